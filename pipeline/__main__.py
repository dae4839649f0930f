"""`python -m pipeline`: the `synergies` command.

Started by a Python that lacks the project's libraries (the system's, from the project folder),
it hands over to the project's own environment, `.venv`, made by `scripts/setup.sh`."""

import os
import sys
from pathlib import Path

try:
    from .cli import main
except ModuleNotFoundError as missing:
    venv = Path(__file__).resolve().parent.parent / ".venv"
    if (venv / "bin" / "python").exists() and Path(sys.prefix).resolve() != venv.resolve():
        os.execv(venv / "bin" / "python", [str(venv / "bin" / "python"), "-m", "pipeline", *sys.argv[1:]])
    print(f"bibliothèque manquante ({missing.name}) : installez le projet avec « bash scripts/setup.sh », "
          "puis relancez la commande", file=sys.stderr)
    sys.exit(2)

main()
