"""The 随手拍 page as a destination: a web reporter follows the ticket on its status page."""
from bot.outbound.transports import Address


class ShownOnPage:
    """The 随手拍 reporter follows a ticket on its status page: a notice for them is delivered by being there."""

    def address(self, row, resident, now) -> Address:
        """Every notice to a web reporter goes to the page."""
        return Address("web", row.recipient)

    async def send(self, address: Address, msg_type: str, payload: dict, idem_key: str) -> None:
        """Nothing leaves the service: the status page reads the ticket itself."""
        return None
