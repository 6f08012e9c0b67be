"""The panes: market (ladder, ticker, trade tape, status bar) and account (positions,
balances, open orders, fills)."""

from kraken_tui.ui.widgets.account_table import AccountTablePane
from kraken_tui.ui.widgets.balances import BalancesPane
from kraken_tui.ui.widgets.fills import FillsPane
from kraken_tui.ui.widgets.ladder import LadderPane
from kraken_tui.ui.widgets.orders import OrdersPane
from kraken_tui.ui.widgets.positions import PositionsPane
from kraken_tui.ui.widgets.status_bar import StatusBar
from kraken_tui.ui.widgets.ticker import TickerPane
from kraken_tui.ui.widgets.trades import TradesPane

__all__ = [
    "AccountTablePane",
    "BalancesPane",
    "FillsPane",
    "LadderPane",
    "OrdersPane",
    "PositionsPane",
    "StatusBar",
    "TickerPane",
    "TradesPane",
]
