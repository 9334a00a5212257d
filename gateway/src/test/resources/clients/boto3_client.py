"""boto3 against two gateway regions: one scenario per run, checked here, results as JSON.

Usage: python3 boto3_client.py SCENARIO EAST_URL WEST_URL WORK_DIR
The access key comes from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. A failed check raises, so the
process exits non-zero with a traceback; the test shows it.
"""

import contextlib
import datetime
import importlib
import json
import os
import sys
import types
from unittest import mock

import boto3
import botocore.auth
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

BUCKET = "demo"
MIB = 1024 * 1024


def client(endpoint, key_id=None, secret=None):
    return boto3.session.Session(
        aws_access_key_id=key_id or os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=secret or os.environ["AWS_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
    ).client(
        "s3",
        endpoint_url=endpoint,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"},
                      retries={"max_attempts": 1}),
    )


def signer_modules():
    modules = [botocore.auth]
    try:
        modules.append(importlib.import_module("botocore.crt.auth"))
    except ImportError:
        pass
    return modules


def error_of(call):
    """The S3 error a call fails with: code, HTTP status and message."""
    try:
        call()
    except ClientError as e:
        err = e.response.get("Error", {})
        return {
            "code": err.get("Code"),
            "status": e.response["ResponseMetadata"]["HTTPStatusCode"],
            "message": err.get("Message"),
        }
    raise AssertionError("the call succeeded")


def put_get(east, west, work):
    data = open(os.path.join(work, "one.bin"), "rb").read()
    east.put_object(Bucket=BUCKET, Key="py/one.bin", Body=data, ContentType="application/x-test",
                    Metadata={"owner": "bob"})
    got = west.get_object(Bucket=BUCKET, Key="py/one.bin")
    body = got["Body"].read()
    assert body == data, "west served %d bytes, not the %d written" % (len(body), len(data))
    assert got["ContentType"] == "application/x-test", got["ContentType"]
    assert got["Metadata"] == {"owner": "bob"}, got["Metadata"]
    return {"served_from": got["ResponseMetadata"]["HTTPHeaders"].get("x-skyrelay-served-from")}


def listing(east, west, work):
    out = {}
    for size in (1, 2):
        prefixes, top, pages = [], [], 0
        for page in east.get_paginator("list_objects_v2").paginate(
                Bucket=BUCKET, Prefix="many/", Delimiter="/",
                PaginationConfig={"PageSize": size}):
            pages += 1
            prefixes += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
            top += [o["Key"] for o in page.get("Contents", [])]
        out["delimited_page_%d" % size] = {"prefixes": prefixes, "keys": top, "pages": pages}
    # ListObjects V1, one key a page (markers)
    keys = []
    for page in west.get_paginator("list_objects").paginate(
            Bucket=BUCKET, Prefix="many/", PaginationConfig={"PageSize": 1}):
        keys += [o["Key"] for o in page.get("Contents", [])]
    out["v1_page_1"] = keys
    return out


def multipart(east, west, work):
    src = os.path.join(work, "big.bin")
    config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)
    east.upload_file(src, BUCKET, "py/big.bin", Config=config)
    dst = os.path.join(work, "big-from-west.bin")
    west.download_file(BUCKET, "py/big.bin", dst, Config=config)
    head = west.head_object(Bucket=BUCKET, Key="py/big.bin")
    return {"etag": head["ETag"], "size": head["ContentLength"]}


def range_get(east, west, work):
    data = bytes(range(256)) * 40
    east.put_object(Bucket=BUCKET, Key="py/ranged", Body=data)
    got = west.get_object(Bucket=BUCKET, Key="py/ranged", Range="bytes=300-599")
    assert got["Body"].read() == data[300:600]
    assert got["ContentRange"] == "bytes 300-599/%d" % len(data), got["ContentRange"]
    tail = west.get_object(Bucket=BUCKET, Key="py/ranged", Range="bytes=-10")["Body"].read()
    assert tail == data[-10:]
    return {"status": got["ResponseMetadata"]["HTTPStatusCode"]}


def overwrite(east, west, work):
    first = east.put_object(Bucket=BUCKET, Key="py/overwritten", Body=b"one")["ETag"]
    second = west.put_object(Bucket=BUCKET, Key="py/overwritten", Body=b"two")["ETag"]
    head = east.head_object(Bucket=BUCKET, Key="py/overwritten")["ETag"]
    body = east.get_object(Bucket=BUCKET, Key="py/overwritten")["Body"].read()
    assert body == b"two", body
    return {"first": first, "second": second, "head": head}


def delete(east, west, work):
    for k in ("gone/a", "gone/b/c", "gone/d"):
        east.put_object(Bucket=BUCKET, Key=k, Body=b"x")
    west.delete_object(Bucket=BUCKET, Key="gone/a")
    r = west.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": "gone/b/c"}, {"Key": "gone/d"}]})
    assert not r.get("Errors"), r.get("Errors")
    listed = east.list_objects_v2(Bucket=BUCKET, Prefix="gone/")
    missing = error_of(lambda: west.get_object(Bucket=BUCKET, Key="gone/d"))
    return {"key_count": listed["KeyCount"], "contents": listed.get("Contents", []),
            "get_after_delete": missing}


def location(east, west, work):
    return {
        "east": east.get_bucket_location(Bucket=BUCKET).get("LocationConstraint"),
        "west": west.get_bucket_location(Bucket=BUCKET).get("LocationConstraint"),
        "missing": error_of(lambda: east.get_bucket_location(Bucket="no-such-bucket")),
    }


def presign(east, west, work):
    west.put_object(Bucket=BUCKET, Key="py/shared.txt", Body=b"presigned bytes")
    fresh = east.generate_presigned_url(
        "get_object", Params={"Bucket": BUCKET, "Key": "py/shared.txt"}, ExpiresIn=3600)
    put = east.generate_presigned_url(
        "put_object", Params={"Bucket": BUCKET, "Key": "py/uploaded.txt"}, ExpiresIn=3600)
    put_big = east.generate_presigned_url(
        "put_object", Params={"Bucket": BUCKET, "Key": "py/too-big.bin"}, ExpiresIn=3600)
    # Signed two hours ago for one hour: expired. botocore's signers (its own and, when awscrt is
    # installed, the CRT's) read the clock through their module's datetime.
    two_hours_ago = datetime.datetime.utcnow() - datetime.timedelta(hours=2)

    class Past(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return two_hours_ago

    shim = types.SimpleNamespace(datetime=Past, timezone=datetime.timezone,
                                 timedelta=datetime.timedelta)
    with contextlib.ExitStack() as patches:
        for module in signer_modules():
            patches.enter_context(mock.patch.object(module, "datetime", shim))
        expired = east.generate_presigned_url(
            "get_object", Params={"Bucket": BUCKET, "Key": "py/shared.txt"}, ExpiresIn=3600)
    assert "X-Amz-Date=" + two_hours_ago.strftime("%Y%m%dT%H%M") in expired, expired
    wrong = client(east._endpoint.host, os.environ["AWS_ACCESS_KEY_ID"], "not-the-secret-" + "x" * 20)
    wrong_secret = wrong.generate_presigned_url(
        "get_object", Params={"Bucket": BUCKET, "Key": "py/shared.txt"}, ExpiresIn=3600)
    return {"fresh": fresh, "put": put, "put_big": put_big, "expired": expired, "wrong_secret": wrong_secret,
            "tampered": fresh.replace("py/shared.txt", "py/other.txt")}


def bad_credentials(east, west, work):
    key_id = os.environ["AWS_ACCESS_KEY_ID"]
    wrong = client(east._endpoint.host, key_id, "not-the-secret-" + "x" * 20)
    unknown = client(east._endpoint.host, "AKIDUNKNOWN000000000", os.environ["AWS_SECRET_ACCESS_KEY"])
    return {
        "wrong_secret_get": error_of(lambda: wrong.get_object(Bucket=BUCKET, Key="py/one.bin")),
        "wrong_secret_put": error_of(lambda: wrong.put_object(Bucket=BUCKET, Key="py/x", Body=b"x")),
        "unknown_key_list": error_of(lambda: unknown.list_objects_v2(Bucket=BUCKET)),
        "unknown_key_put": error_of(lambda: unknown.put_object(Bucket=BUCKET, Key="py/x", Body=b"x")),
    }


def nasty_keys(east, west, work):
    """PUT each key, then GET it back through the other region when it was stored."""
    keys = json.load(open(os.path.join(work, "keys.json")))
    out = []
    for k in keys:
        body = ("bytes of %r" % k).encode()
        try:
            east.put_object(Bucket=BUCKET, Key=k, Body=body)
        except ClientError as e:
            err = e.response.get("Error", {})
            out.append({"key": k, "stored": False, "code": err.get("Code"),
                        "status": e.response["ResponseMetadata"]["HTTPStatusCode"],
                        "message": err.get("Message")})
            continue
        got = west.get_object(Bucket=BUCKET, Key=k)["Body"].read()
        listed = [o["Key"] for o in east.list_objects_v2(Bucket=BUCKET, Prefix=k).get("Contents", [])]
        out.append({"key": k, "stored": True, "read_back": got == body, "listed": k in listed})
    return out


def conditional_put(east, west, work):
    # This botocore predates the IfNoneMatch parameter: the header is added before signing.
    for c in (east, west):
        c.meta.events.register(
            "before-sign.s3.PutObject",
            lambda request, **kwargs: request.headers.__setitem__("If-None-Match", "*"))
    refused = error_of(lambda: east.put_object(Bucket=BUCKET, Key="py/once", Body=b"first"))
    missing = error_of(lambda: west.head_object(Bucket=BUCKET, Key="py/once"))
    return {"refused": refused, "head_after": missing}


SCENARIOS = {f.__name__: f for f in (put_get, listing, multipart, range_get, overwrite, delete,
                                     location, presign, bad_credentials, nasty_keys,
                                     conditional_put)}

if __name__ == "__main__":
    scenario, east_url, west_url, work = sys.argv[1:5]
    result = SCENARIOS[scenario](client(east_url), client(west_url), work)
    json.dump(result, sys.stdout)
