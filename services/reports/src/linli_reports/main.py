"""`linli-reports`: serve the reports API and run its consumers in one process."""
from linli_shared.serve import serve

from linli_reports.bootstrap import create_app
from linli_reports.settings import ReportsSettings


def main() -> None:
    serve(create_app, ReportsSettings())


if __name__ == "__main__":
    main()
