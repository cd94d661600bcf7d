"""``python -m storyline`` runs the command line."""

from storyline.cli import main

raise SystemExit(main())
