#!/usr/bin/env python
from zhengwu.cli import main

if __name__ == "__main__":
    main()
