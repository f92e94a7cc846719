"""Reference answers generated from the solution notebooks (see dlcourse.exercises.answers_build)."""
