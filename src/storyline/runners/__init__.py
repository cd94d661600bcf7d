"""Where batch work runs: in this process, in a pool of local processes, or on Ray actors."""
