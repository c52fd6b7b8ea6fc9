"""Lightning callbacks of the zoo (selected through the `callbacks` config group)."""
