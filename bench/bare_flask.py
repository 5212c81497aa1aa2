"""A Flask app with nothing of Whistle in it, served through the very function `whistle serve`
uses (whistle.web.server.serve: gunicorn, gthread workers, the same workers, threads and
options): the ceiling against which the submission figures are compared. Run by
bench/common.py."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flask import Flask, jsonify, request

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from whistle.web.server import serve  # noqa: E402

app = Flask("bare")


@app.get("/")
def index():
    return "ok"


@app.post("/submit")
def submit():
    # Parse what a submission carries (a JSON body or a form) and answer with a little JSON.
    body = request.get_json(silent=True) if request.is_json else request.form.to_dict()
    return jsonify({"received": len(body or {})}), 201


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    serve(app, host="127.0.0.1", port=args.port, threads=args.threads)
