"""`linli-employment`: serve the employment API and run its consumer and follow-up timer in one process."""
from linli_shared.serve import serve

from linli_employment.bootstrap import create_app
from linli_employment.settings import EmploymentSettings


def main() -> None:
    serve(create_app, EmploymentSettings())


if __name__ == "__main__":
    main()
