// `yunhe ingest gpsd [HOST:PORT] DATADIR --device NAME [--seconds N]`: streams fixes and
// satellites from a running gpsd into DATADIR until gpsd closes, the time is up, or SIGINT/SIGTERM.
#pragma once

namespace yunhe {

int RunIngestCommand(int argc, char** argv);

}  // namespace yunhe
