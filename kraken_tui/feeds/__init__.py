"""asyncio connection managers, subscriptions and the stores panes read. No textual."""
