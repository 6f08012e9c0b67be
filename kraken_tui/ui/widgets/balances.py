"""Balances and margin: the futures margin account first (equity, available, margin used
and its share of equity), then each wallet's assets, compact, as many per line as fit."""

from __future__ import annotations

from collections.abc import Hashable
from decimal import Decimal

from kraken_tui.model import Venue
from kraken_tui.model.account import Balance, MarginSummary
from kraken_tui.ui.widgets.account_layout import KeyedLine
from kraken_tui.ui.widgets.account_table import AccountTablePane
from kraken_tui.ui.widgets.formatting import money_text, percent_text
from kraken_tui.ui.widgets.pane import Line, crop_line, flow

LABEL_WIDTH = 6
"""Room for a wallet's label (``spot``, ``flex``, a futures margin account, cropped)."""
MARGIN_WARN = Decimal("0.5")
MARGIN_DANGER = Decimal("0.8")
ALIASES = {"XBT": "BTC", "XXBT": "BTC", "XETH": "ETH", "ZUSD": "USD", "ZEUR": "EUR"}
"""Kraken spells some assets two ways; the filter treats them as one."""


def same_asset(name: str) -> str:
    upper = name.upper()
    return ALIASES.get(upper, upper)


def _asset_order(balance: Balance) -> tuple[int, str]:
    # Cash first, then coins alphabetically: the order a glance expects.
    fiat = same_asset(balance.asset) in {"USD", "EUR", "GBP", "USDT", "USDC"}
    return (0 if fiat else 1, balance.asset)


class BalancesPane(AccountTablePane):
    """Margin summary and wallet balances; ``f`` keeps the selected market's two assets."""

    TITLE = "BALANCES"
    HELP_GROUP = "balances"
    NOUN = "balances"
    COUNT_IN_TITLE = False

    def data_key(self) -> Hashable:
        account = self.account
        return (account.balances_version, account.margin_version)

    def scope_name(self) -> str:
        return " ".join(sorted(self._scope_assets())) or self.market_key[1]

    def _scope_assets(self) -> set[str]:
        instrument = self.session.store.instruments.get(self.market_key)
        if instrument is None:
            return set()
        return {same_asset(instrument.base), same_asset(instrument.quote)}

    def table(self, width: int) -> tuple[Line | None, list[KeyedLine], int]:
        account = self.account
        balances = sorted(account.balances.values(), key=_asset_order)
        if self.symbol_only:
            wanted = self._scope_assets()
            balances = [b for b in balances if same_asset(b.asset) in wanted]
        rows: list[KeyedLine] = []
        if account.margin is not None:
            # Margin chips name themselves; no label column, so two lines usually hold them.
            chips = margin_chips(account.margin)
            for index, line in enumerate(flow(chips, max(1, width - 2), gap=2)):
                rows.append((("margin", index), crop_line([(" ", ""), *line], width)))
        wallets: dict[str, list[Balance]] = {}
        for balance in balances:
            name = "spot" if balance.venue is Venue.SPOT else balance.wallet or "futures"
            wallets.setdefault(name, []).append(balance)
        for name in sorted(wallets, key=lambda n: n != "spot"):
            chips = [
                [(b.asset + " ", "label"), (money_text(b.total, b.asset), "value")]
                for b in wallets[name]
            ]
            rows += self._section(name, chips, width)
        return None, rows, 0

    @staticmethod
    def _section(label: str, chips: list[Line], width: int) -> list[KeyedLine]:
        room = max(1, width - 2 - LABEL_WIDTH)  # a blank cell each side, as in the tables
        rows: list[KeyedLine] = []
        for index, line in enumerate(flow(chips, room, gap=2)):
            head = label[: LABEL_WIDTH - 1] if index == 0 else ""
            cells: Line = [(" " + head.ljust(LABEL_WIDTH), "header"), *line]
            rows.append(((label, index), crop_line(cells, width)))
        return rows


def margin_chips(margin: MarginSummary) -> list[Line]:
    """``equity 10,104.60 USD``, ``avail 8,784.12``, ``used 1,320.48 13.1%``, ``uPnL +104.60``
    (the futures margin account; uPnL only when the exchange reports it)."""
    currency = margin.currency
    used = margin.margin_used_fraction
    used_role = "value"
    if used is not None and used >= MARGIN_DANGER:
        used_role = "loss"
    elif used is not None and used >= MARGIN_WARN:
        used_role = "warn"
    used_chip: Line = [("used ", "label"), (money_text(margin.initial_margin, currency), "value")]
    if used is not None:
        used_chip.append((f" {percent_text(used, 1).lstrip('+')}", used_role))
    equity: Line = [
        ("equity ", "label"),
        (money_text(margin.equity, currency), "value"),
        (f" {currency}", "label"),
    ]
    available: Line = [
        ("avail ", "label"),
        (money_text(margin.available_margin, currency), "value"),
    ]
    # Most telling first: a short pane shows equity, available and margin used; the
    # positions pane already has each uPnL, so the total comes last.
    chips = [equity, available, used_chip]
    if margin.unrealized_pnl is not None:
        pnl = margin.unrealized_pnl
        role = "profit" if pnl > 0 else "loss" if pnl < 0 else "value"
        chips.append([("uPnL ", "label"), (money_text(pnl, currency, sign=True), role)])
    return chips
