from newssite.cli import main

raise SystemExit(main())
