"""The market panes: ladder, ticker, trade tape and status bar."""

from kraken_tui.ui.widgets.ladder import LadderPane
from kraken_tui.ui.widgets.status_bar import StatusBar
from kraken_tui.ui.widgets.ticker import TickerPane
from kraken_tui.ui.widgets.trades import TradesPane

__all__ = ["LadderPane", "StatusBar", "TickerPane", "TradesPane"]
