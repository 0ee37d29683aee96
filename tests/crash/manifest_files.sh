# Sourced by the crash scripts. check_manifest_files DIR LABEL: every file of the data directory
# is named by its MANIFEST and every named file is there (a reopen removes what a crash left).
check_manifest_files() {
  local named present
  named=$(grep -E '^(wal|catalog|part|deletes) ' "$1/MANIFEST" | awk '{print $2}' | sort -u)
  present=$(ls "$1" | grep -v -x -e MANIFEST -e yunhe.lock | sort)
  if [[ "$named" != "$present" ]]; then
    echo "FAIL $2: files not named by the MANIFEST, or named and missing"
    diff <(echo "$named") <(echo "$present") || true
    exit 1
  fi
}
