/** An error shaped as the SDK shapes an S3 error response: `name` and the HTTP status. */
export const s3Error = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
