//! Files: capped reads, atomic writes, and directories and files that a
//! hostile local user cannot turn against root.
