"""Who wrote: a resident's row is made on first contact, once, whichever way the message comes in."""
from bot.inbound import people
from bot.inbound.people import resident_and_state, resident_for


def test_it_creates_a_resident_on_first_contact_and_finds_it_after(engine, clock):
    first, state = resident_and_state(engine, "mp", "o_wang", clock.now())
    again, _ = resident_and_state(engine, "mp", "o_wang", clock.now())
    assert first.id is not None and state is None
    assert again.id == first.id and again.cs_sent == 0 and again.last_help_at is None
    assert resident_for(engine, "mp", "o_wang", clock.now()).id == first.id


def test_it_takes_the_row_a_concurrent_first_message_created(engine, clock):
    made = resident_for(engine, "mp", "o_li", clock.now())
    # the other message's insert committed between this one's read and its insert
    assert people._first_contact(engine, "mp", "o_li", clock.now()).id == made.id
    assert resident_for(engine, "web", "o_li", clock.now()).id != made.id  # another channel, another identity
