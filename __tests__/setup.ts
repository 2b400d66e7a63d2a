// Tests never reach a real AWS account: fail fast if something tries the instance metadata service.
process.env.AWS_EC2_METADATA_DISABLED = 'true';
