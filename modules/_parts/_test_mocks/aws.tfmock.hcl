# Mocked AWS answers shared by every part's tests/*.tftest.hcl (mock_provider source = "../_test_mocks").

mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}
mock_data "aws_partition" {
  defaults = { partition = "aws" }
}
# Without a mocked document every policy's json is a random string, which IAM arguments refuse.
mock_data "aws_iam_policy_document" {
  defaults = { json = "{}" }
}
mock_resource "aws_kms_key" {
  defaults = { arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555", key_id = "11111111-2222-3333-4444-555555555555" }
}
mock_resource "aws_s3_bucket" {
  defaults = { arn = "arn:aws:s3:::orders-data", id = "orders-data" }
}
mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::123456789012:role/orders-glue-job", id = "orders-glue-job", name = "orders-glue-job" }
}
