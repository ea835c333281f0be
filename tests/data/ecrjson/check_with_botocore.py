#!/usr/bin/python3
# Cross-checks the hand-written golden files (*.expected) in this folder against botocore's
# own JSON parser and ECR model (Debian python3-botocore), for every field that model knows.
# Run with Debian's interpreter: /usr/bin/python3 tests/data/ecrjson/check_with_botocore.py
import datetime
import os

import botocore.parsers
import botocore.session

os.chdir(os.path.dirname(os.path.abspath(__file__)))
model = botocore.session.get_session().get_service_model('ecr')
parser = botocore.parsers.create_parser('json')


def ts(d):
    if d is None:
        return '-'
    d = d.astimezone(datetime.timezone.utc)
    return d.strftime('%Y-%m-%dT%H:%M:%S') + '.%03dZ' % (d.microsecond // 1000)


def parse(op, f):
    with open(f, 'rb') as fh:
        body = fh.read()
    return parser.parse({'body': body, 'headers': {}, 'status_code': 200},
                        model.operation_model(op).output_shape)


def block(gold, header, i):
    return gold.split('%s %d\n' % (header, i))[1].split('\n%s ' % header)[0].split('\n')


gold = open('describe-repositories.expected').read()
for i, x in enumerate(parse('DescribeRepositories', 'describe-repositories.json')['repositories']):
    enc = x.get('encryptionConfiguration', {})
    for k, v in [('createdAt', ts(x.get('createdAt'))), ('repositoryName', x['repositoryName']),
                 ('repositoryArn', x.get('repositoryArn', '')), ('repositoryUri', x.get('repositoryUri', '')),
                 ('imageTagMutability', x.get('imageTagMutability', '')),
                 ('scanOnPush', str(x.get('imageScanningConfiguration', {}).get('scanOnPush', False)).lower()),
                 ('encryptionType', enc.get('encryptionType', '')), ('kmsKey', enc.get('kmsKey', ''))]:
        assert '  %s=%s' % (k, v) in block(gold, 'repository', i), (i, k, v)

gold = open('describe-images.expected').read()
for i, x in enumerate(parse('DescribeImages', 'describe-images.json')['imageDetails']):
    fs = x.get('imageScanFindingsSummary')
    checks = [('imageDigest', x['imageDigest']), ('imageTags', '|'.join(x.get('imageTags', []))),
              ('imageSizeInBytes', str(x.get('imageSizeInBytes', -1))), ('imagePushedAt', ts(x.get('imagePushedAt'))),
              ('scanStatus', x.get('imageScanStatus', {}).get('status', '')),
              ('scanStatusDescription', x.get('imageScanStatus', {}).get('description', '')),
              ('hasScanSummary', str(fs is not None).lower()),
              ('imageManifestMediaType', x.get('imageManifestMediaType', '')),
              ('artifactMediaType', x.get('artifactMediaType', '')),
              ('lastRecordedPullTime', ts(x.get('lastRecordedPullTime')))]
    if fs:
        checks += [('scanCompletedAt', ts(fs.get('imageScanCompletedAt'))),
                   ('vulnerabilitySourceUpdatedAt', ts(fs.get('vulnerabilitySourceUpdatedAt'))),
                   ('severityCounts', '|'.join('%s=%d' % kv for kv in sorted(fs.get('findingSeverityCounts', {}).items())))]
    for k, v in checks:
        assert '  %s=%s' % (k, v) in block(gold, 'image', i), (i, k, v)

print('botocore agrees with the golden files on every field it models')
