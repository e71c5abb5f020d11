import sys
from pathlib import Path

# Test modules import the synthetic corpus helper that sits beside them.
sys.path.insert(0, str(Path(__file__).parent))
