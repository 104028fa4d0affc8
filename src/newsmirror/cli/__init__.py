"""The command line: options parsed and checked, services called, results printed; nothing else."""
