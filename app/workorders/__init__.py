"""Work orders and their tasks: the domain, its state machine, API and live notifications."""
