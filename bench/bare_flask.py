"""A Flask app with nothing of Whistle in it, served by waitress exactly as `whistle serve` is:
the ceiling against which the submission figures are compared. Run by bench/common.py."""
from __future__ import annotations

import argparse

import waitress
from flask import Flask, jsonify, request

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
    waitress.serve(app, host="127.0.0.1", port=args.port, threads=args.threads, ident="bare")
