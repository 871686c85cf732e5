//! SIGINT, SIGTERM and SIGHUP: noticed, never fatal mid-run.
