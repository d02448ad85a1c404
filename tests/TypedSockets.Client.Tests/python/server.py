"""A python-socketio 5.7 / python-engineio 4.3 server (Debian python3-socketio, python3-aiohttp) for the client tests.

Its handshake has no maxPayload, and it refuses a polling payload of more than 16 packets. Prints
"listening <port>" once bound (port 0 picks a free one).
"""
import asyncio
import sys

import socketio
from aiohttp import web

sio = socketio.AsyncServer(async_mode="aiohttp")
app = web.Application()
sio.attach(app)


@sio.event
async def connect(sid, environ, auth):
    await sio.emit("welcome", {"sid": sid, "auth": auth}, to=sid)


@sio.event
async def echo(sid, *args):
    # the ack answers with the arguments it received
    return args


@sio.event
async def count(sid, n):
    await sio.emit("counted", n, to=sid)


async def main(port):
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    bound = site._server.sockets[0].getsockname()[1]
    print(f"listening {bound}", flush=True)
    await asyncio.Event().wait()


asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
