// The process-wide memory limit (SET memory_limit, yunhe --memory-limit, pg_settings): one
// number every component reads (the buffer pool evicts down to it), and the parsing and printing
// of sizes as PostgreSQL writes them ('512MB', '2GB'; units B, kB, MB, GB, TB, case-insensitive,
// also KiB/MiB/GiB/TiB; a bare number is bytes; 'N%' is that share of the machine's memory).
#pragma once
#include <cstdint>
#include <string>

namespace yunhe {

uint64_t MemoryLimitBytes();
void SetMemoryLimitBytes(uint64_t bytes);
// Total RAM, or the cgroup's memory limit when lower.
uint64_t MachineMemoryBytes();
// The default: 80 % of MachineMemoryBytes() (DuckDB's default too).
uint64_t DefaultMemoryLimitBytes();
// The process's resident memory (/proc/self/statm), and the most it may reach before a running
// statement fails with 53200 instead of the kernel's OOM killer ending the process: the larger
// of twice memory_limit and memory_limit + 1 GiB, never above 90% of the machine's (or cgroup's)
// memory. Checked between chunks (common/cancel.h).
uint64_t ResidentBytes();
uint64_t ProcessMemoryCapBytes();

// Gives the allocator's free pages back to the system (glibc keeps freed memory between
// long-lived blocks otherwise: RSS would stay at the high-water mark of every ingest burst).
// Takes milliseconds per GB of heap; call off the database lock.
void ReleaseFreeMemory();
// For the yunhe executables (not an embedding host's process): blocks under 64 MB come from
// malloc's heap and freed memory stays there up to 256 MB per heap, instead of going back to the
// kernel and being faulted in and zeroed again by the next chunk's vectors (15 % of a TPC-H run's
// CPU in clear_page). The memory cap check (common/cancel.cpp) gives the free memory back before
// it fails a statement.
void KeepFreedMemory();

// False on a malformed size or one under `minimum`. A bare number counts in `bare_unit` bytes
// (PostgreSQL's work_mem: kB).
bool ParseMemorySize(const std::string& text, uint64_t* bytes, uint64_t bare_unit = 1, uint64_t minimum = 1 << 20);
std::string FormatMemorySize(uint64_t bytes);  // the largest unit that divides it: "2GB", "1536MB"

// work_mem: what one sort may hold before it spills sorted runs to temp_directory. The default
// (no SET work_mem) is a quarter of the memory limit.
uint64_t DefaultWorkMemBytes();
// The running statement's work_mem: its SET work_mem, else DefaultWorkMemBytes(). What a sort,
// hash aggregate, hash or ASOF join, DISTINCT or window may hold before it spills.
uint64_t WorkMemBytes();

// temp_directory (SET temp_directory, process-wide as in DuckDB): where spilled runs go;
// default $TMPDIR or /tmp. Spill files are unlinked as soon as they are created.
std::string TempDirectory();
void SetTempDirectory(const std::string& dir);

}  // namespace yunhe
