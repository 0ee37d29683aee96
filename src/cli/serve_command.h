// `yunhe serve [DATADIR] [--listen ADDR] [--pg-port N]`: serves the PostgreSQL wire protocol on
// one data directory until SIGTERM or SIGINT, then closes the sessions, checkpoints and exits 0.
#pragma once

namespace yunhe {

int RunServeCommand(int argc, char** argv);

}  // namespace yunhe
