"""The blob store on S3 (django-storages), against moto's S3 server on loopback."""

import hashlib

import pytest

from evize.applications.tests.factories import ApplicationFactory
from evize.documents.blobstore import blob_key
from evize.documents.models import Document

from .conftest import files_under, tus_upload
from .pdfs import make_pdf, padded_pdf

pytestmark = pytest.mark.django_db

BUCKET = "evize-test-private"


@pytest.fixture(scope="module")
def moto_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(settings, moto_endpoint, monkeypatch):
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    client = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name="eu-central-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": moto_endpoint,
                "region_name": "eu-central-1",
                "access_key": "test",
                "secret_key": "test",
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_upload_and_download_round_trip_on_s3(
    s3, owner_client, application, multi_type, upload_dir, private_storage
):
    data = padded_pdf(3 * 1024 * 1024)
    sha = hashlib.sha256(data).hexdigest()
    assert tus_upload(owner_client, application, multi_type, data, chunk=1024 * 1024).status_code == 204
    assert keys(s3) == [blob_key(sha)]
    stored = s3.get_object(Bucket=BUCKET, Key=blob_key(sha))["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == sha
    assert files_under(upload_dir) == []
    assert files_under(private_storage) == []  # nothing on local disk

    document = Document.objects.get()
    response = owner_client.get(f"/belgeler/belge/{document.pk}/indir/")
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == sha
    ranged = owner_client.get(f"/belgeler/belge/{document.pk}/dosya/", headers={"Range": "bytes=1000-1999"})
    assert ranged.status_code == 206
    assert b"".join(ranged.streaming_content) == data[1000:2000]


def test_same_bytes_are_stored_once_on_s3(s3, client, multi_type):
    data = make_pdf(text="ortak")
    for _ in range(2):
        application = ApplicationFactory()
        client.force_login(application.created_by)
        assert tus_upload(client, application, multi_type, data).status_code == 204
    assert keys(s3) == [blob_key(hashlib.sha256(data).hexdigest())]
    assert Document.objects.count() == 2


def test_refused_file_leaves_nothing_on_s3(s3, owner_client, application, multi_type):
    from .pdfs import encrypted_pdf

    response = tus_upload(owner_client, application, multi_type, encrypted_pdf())
    assert response.status_code == 422
    assert keys(s3) == []
