"""A second independent OCPP 2.0.1 peer: the Python `ocpp` package (mobilityhouse, pinned in
tests/peers/requirements.txt), which validates every call and result it sends or receives against
the official 2.0.1 JSON schemas, on `websockets`. Classical only: it knows nothing of the
post-quantum extension (docs/ocpp.md), which is the point: it shows what such a peer sees.

  python_peer.py station --url ws://127.0.0.1:PORT/ocpp --id ID [--password PW] --ca CA.pem
                 --out summary.json
      A classical station against OUR CSMS: BootNotification (no customData); if Accepted:
      Heartbeat, StatusNotification, TransactionEvent Started / Ended, SignCertificate with a P-256
      CSR made by the openssl CLI (CN = ID), then waits for CertificateSigned and checks the chain
      with `openssl verify -CAfile CA.pem`.
  python_peer.py csms --port 0 --out summary.json [--timeout S]
      A classical CSMS for OUR station: BootNotification Accepted, DataTransfer UnknownVendorId,
      SignCertificate Rejected (it issues nothing), everything else answered and recorded. Prints
      "listening PORT"; ends when the station disconnects or at --timeout.

The summary records every call received, our calls' answers, and `errors`: any CALLERROR this
peer sent or received (a schema violation by our side is one). Exit 0 only if `errors` is empty.
"""
import argparse
import asyncio
import datetime
import json
import os
import subprocess
import sys
import tempfile
import base64

import websockets
from ocpp.routing import on
from ocpp.v201 import ChargePoint, call, call_result

summary = {"received": [], "answers": {}, "errors": [], "notes": {}}


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Recording(ChargePoint):
    """Records every CALLERROR that goes out (a call of the other side failed validation or was
    not understood) and every call that comes in."""

    async def _send(self, message):
        if message.startswith("[4,"):
            summary["errors"].append({"sent": json.loads(message)})
        await super()._send(message)

    async def route_message(self, raw_msg):
        msg = json.loads(raw_msg)
        if msg[0] == 2:
            summary["received"].append({"action": msg[2], "payload": msg[3]})
        elif msg[0] == 4:
            summary["errors"].append({"received": msg})
        await super().route_message(raw_msg)


class Station(Recording):
    certificate_chain = None

    @on("CertificateSigned")
    def on_certificate_signed(self, certificate_chain, **kwargs):
        Station.certificate_chain = certificate_chain
        return call_result.CertificateSigned(status="Accepted")

    @on("TriggerMessage")
    def on_trigger(self, requested_message, **kwargs):
        return call_result.TriggerMessage(status="Rejected")

    @on("DataTransfer")
    def on_data_transfer(self, vendor_id, **kwargs):
        return call_result.DataTransfer(status="UnknownVendorId")

    @on("UpdateFirmware")
    def on_update_firmware(self, request_id, firmware, **kwargs):
        return call_result.UpdateFirmware(status="Rejected")


async def run_station(args):
    headers = {}
    if args.password:
        token = base64.b64encode(f"{args.id}:{args.password}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    async with websockets.connect(f"{args.url}/{args.id}", subprotocols=["ocpp2.0.1"], extra_headers=headers) as ws:
        cp = Station(args.id, ws)
        loop = asyncio.create_task(cp.start())
        answers = summary["answers"]
        boot = await cp.call(call.BootNotification(
            charging_station={"model": "py-ocpp", "vendor_name": "mobilityhouse-ocpp", "serial_number": args.id},
            reason="PowerUp"))
        answers["BootNotification"] = boot.status
        if boot.status == "Accepted":
            answers["Heartbeat"] = bool((await cp.call(call.Heartbeat())).current_time)
            await cp.call(call.StatusNotification(timestamp=now(), connector_status="Available", evse_id=1, connector_id=1))
            tx = {"transaction_id": f"py-{args.id}"}
            started = await cp.call(call.TransactionEvent(
                event_type="Started", timestamp=now(), trigger_reason="Authorized", seq_no=0, transaction_info=tx,
                id_token={"id_token": "04A1B2C3", "type": "ISO14443"}, evse={"id": 1, "connector_id": 1}))
            answers["TransactionEventStarted"] = (started.id_token_info or {}).get("status")
            await cp.call(call.TransactionEvent(
                event_type="Ended", timestamp=now(), trigger_reason="EVCommunicationLost", seq_no=1,
                transaction_info={**tx, "stopped_reason": "EVDisconnected"}))
            with tempfile.TemporaryDirectory() as d:
                key, csr = os.path.join(d, "k.pem"), os.path.join(d, "r.csr")
                subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                "-keyout", key, "-out", csr, "-subj", f"/O=py-ocpp/CN={args.id}"], check=True,
                               capture_output=True)
                with open(csr) as f:
                    signed = await cp.call(call.SignCertificate(csr=f.read(), certificate_type="ChargingStationCertificate"))
                answers["SignCertificate"] = signed.status
                for _ in range(50):
                    if Station.certificate_chain:
                        break
                    await asyncio.sleep(0.1)
                if Station.certificate_chain:
                    chain = os.path.join(d, "chain.pem")
                    with open(chain, "w") as f:
                        f.write(Station.certificate_chain)
                    v = subprocess.run(["openssl", "verify", "-CAfile", args.ca, chain], capture_output=True, text=True)
                    answers["CertificateSignedVerified"] = v.returncode == 0
        loop.cancel()


class Csms(Recording):
    @on("BootNotification")
    def on_boot(self, charging_station, reason, **kwargs):
        summary["notes"]["bootCustomData"] = kwargs.get("custom_data")
        return call_result.BootNotification(current_time=now(), interval=300, status="Accepted")

    @on("Heartbeat")
    def on_heartbeat(self, **kwargs):
        return call_result.Heartbeat(current_time=now())

    @on("StatusNotification")
    def on_status(self, **kwargs):
        return call_result.StatusNotification()

    @on("TransactionEvent")
    def on_transaction(self, event_type, **kwargs):
        if "id_token" in kwargs:
            return call_result.TransactionEvent(id_token_info={"status": "Accepted"})
        return call_result.TransactionEvent()

    @on("SecurityEventNotification")
    def on_security_event(self, type, timestamp, **kwargs):
        return call_result.SecurityEventNotification()

    @on("SignCertificate")
    def on_sign_certificate(self, csr, **kwargs):
        return call_result.SignCertificate(status="Rejected")

    @on("DataTransfer")
    def on_data_transfer(self, vendor_id, **kwargs):
        return call_result.DataTransfer(status="UnknownVendorId")

    @on("FirmwareStatusNotification")
    def on_firmware_status(self, status, **kwargs):
        return call_result.FirmwareStatusNotification()


async def run_csms(args):
    done = asyncio.Event()

    async def handler(ws, path=None):
        path = path or getattr(ws, "path", None) or ws.request.path
        cp = Csms(path.rstrip("/").split("/")[-1], ws)
        try:
            await cp.start()
        except websockets.exceptions.ConnectionClosed:
            pass
        done.set()

    async with websockets.serve(handler, "127.0.0.1", args.port, subprotocols=["ocpp2.0.1"]) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        print(f"listening {port}", flush=True)
        try:
            await asyncio.wait_for(done.wait(), timeout=args.timeout)
        except asyncio.TimeoutError:
            summary["notes"]["timeout"] = True


def main():
    p = argparse.ArgumentParser()
    p.add_argument("role", choices=["station", "csms"])
    p.add_argument("--url")
    p.add_argument("--id")
    p.add_argument("--password")
    p.add_argument("--ca")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    try:
        asyncio.run(run_station(args) if args.role == "station" else run_csms(args))
    except Exception as e:  # a refused connection or a failed call is part of the record
        summary["notes"]["exception"] = f"{type(e).__name__}: {e}"
    with open(args.out, "w") as f:
        json.dump(summary, f, indent=1)
    sys.exit(0 if not summary["errors"] and "exception" not in summary["notes"] else 1)


if __name__ == "__main__":
    main()
