//! Running a child process tree within a deadline.
