import { cleanHcl } from '../../terraform/hcl';

// What cdktf 0.21's `synth --hcl` writes (after a first terraform fmt), and what we make of it.
const cdktfHcl = `terraform {
  required_providers {
    aws = {
      version = "5.100.0"
      source  = "aws"
    }
  }
  backend "local" {
    path = "terraform.backup-us-west-2.tfstate"
  }


}

provider "aws" {
  region = "us-west-2"
  alias  = "backup_us_west_2"
}
resource "aws_iam_role_policy" "restore-role-policy" {
  name   = "restore"
  policy = <<EOF
{
  "Resource": "arn:aws:s3:::b/\${aws:username}/*",
  "Note": "provider = \\"aws.kept\\" and \\"\${kept}\\" stay as they are in a heredoc"
}
EOF
  role     = "\${aws_iam_role.restore-role.name}"
  provider = "aws.backup_us_west_2"
}
resource "aws_s3_bucket_replication_configuration" "r" {
  bucket = "prefix-\${aws_s3_bucket.b.id}"
  rule {
    filter {
    }
  }
  depends_on = [
    "aws_s3_bucket_versioning.v",
    "aws_iam_role_policy.p",
  ]
  provider = "aws.backup_us_west_2"
}
resource "aws_s3_bucket_policy" "p" {
  depends_on = ["aws_s3_bucket_public_access_block.pab"]
  bucket     = "\${aws_s3_bucket.b.id}"
}
`;

const expected = `terraform {
  required_providers {
    aws = {
      version = "5.100.0"
      source  = "aws"
    }
  }
  backend "local" {
    path = "terraform.backup-us-west-2.tfstate"
  }
}

provider "aws" {
  region = "us-west-2"
  alias  = "backup_us_west_2"
}

resource "aws_iam_role_policy" "restore-role-policy" {
  name   = "restore"
  policy = <<EOF
{
  "Resource": "arn:aws:s3:::b/\${aws:username}/*",
  "Note": "provider = \\"aws.kept\\" and \\"\${kept}\\" stay as they are in a heredoc"
}
EOF
  role     = aws_iam_role.restore-role.name
  provider = aws.backup_us_west_2
}

resource "aws_s3_bucket_replication_configuration" "r" {
  bucket = "prefix-\${aws_s3_bucket.b.id}"
  rule {
    filter {}
  }
  depends_on = [
    aws_s3_bucket_versioning.v,
    aws_iam_role_policy.p,
  ]
  provider = aws.backup_us_west_2
}

resource "aws_s3_bucket_policy" "p" {
  depends_on = [aws_s3_bucket_public_access_block.pab]
  bucket     = aws_s3_bucket.b.id
}
`;

describe('cleanHcl', () => {
  it('unquotes references, drops interpolation-only strings and stray blank lines, keeps heredocs', () => {
    expect(cleanHcl(cdktfHcl)).toBe(expected);
  });

  it('is idempotent', () => {
    expect(cleanHcl(expected)).toBe(expected);
  });
});
