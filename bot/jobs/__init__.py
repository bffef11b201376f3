"""Work that runs on its own, woken by the job queue and reading the database."""
