"""The blocking client in a plain script: the balance, a new group, a contact in it.

No asyncio here: ``afilnet_async.blocking.AfilnetClient`` runs the async client on its own
event loop thread and is closed at the end of the ``with`` block. Credentials come from the
environment, as for the ``afilnet`` command.

Against the real API (this creates a group "Example customers" on your account; add
``--delete-group`` to delete it at the end)::

    export AFILNET_USER=you@example.com AFILNET_PASSWORD='...'
    python examples/blocking_script.py

Against the emulator: run ``afilnet emulator --port 8765`` in another terminal, then::

    export AFILNET_BASE_URL=http://127.0.0.1:8765/api/ AFILNET_USER=demo AFILNET_PASSWORD=demo
    python examples/blocking_script.py
"""

from __future__ import annotations

import argparse
import sys

from afilnet_async import AfilnetError
from afilnet_async.blocking import AfilnetClient


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mobile", default="34600000000", help="the contact's mobile number")
    parser.add_argument("--delete-group", action="store_true", help="delete the group at the end")
    args = parser.parse_args(argv)
    try:
        with AfilnetClient.from_env() as client:
            print(f"balance: {client.user.get_balance().balance}")

            group = client.group.create_group(
                name="Example customers", type="mobile", fields=["mobile", "name"]
            )
            idgroup = group.idgroup
            if idgroup is None:  # the answer did not say: nothing more to do with it
                print(f"created a group, but Afilnet did not say its id: {group.raw!r}")
                return 1
            print(f"group: {idgroup}")

            client.group.add_contact(
                idgroup=idgroup, contact={"mobile": args.mobile, "name": "Ann"}
            )
            for contact in client.group.get_contacts(idgroup=idgroup):
                print(f"contact {contact.idcontact}: {dict(contact.fields)}")

            if args.delete_group:
                client.group.delete_group(idgroup=idgroup)
                print(f"deleted group {idgroup}")
    except AfilnetError as error:  # the same exceptions as the async client
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
