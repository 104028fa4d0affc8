"""The use-cases: what a command does, callable without a command line.

Each service opens the archive, does the work, commits, and returns a result object that says
what happened; the command line prints it, and a worker or a web handler can call the same
function. Services print nothing: progress reaches the caller through a callback, diagnostics
through ``logging``; a failure is an exception of the one tree (errors.py), or an ``OSError``.
"""
