"""What the client scripts share: the server's port (and user, database) from the command line,
a check() that records mismatches, and the one-line verdict run.sh compares."""
import sys

port = int(sys.argv[1])
user, db = (sys.argv[2], sys.argv[3]) if len(sys.argv) > 3 else ("yunhe", "yunhe")
sqlalchemy_url = f"postgresql+psycopg2://{user}@127.0.0.1:{port}/{db}"
failures = []


def check(what, got, want):
    if got != want:
        failures.append(f"{what}: got {got!r}, want {want!r}")


def report(name):
    print(f"{name}: " + ("ok" if not failures else "FAIL\n  " + "\n  ".join(failures)))
