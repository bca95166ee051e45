# Mocked AWS answers shared by this module's tests/*.tftest.hcl (mock_provider "aws" { source = ... }).

mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}
mock_data "aws_region" {
  defaults = { name = "eu-west-2" }
}
mock_data "aws_partition" {
  defaults = { partition = "aws" }
}
# Without a mocked document every policy's json is a random string, which IAM arguments refuse.
mock_data "aws_iam_policy_document" {
  defaults = { json = "{}" }
}
mock_resource "aws_kms_key" {
  defaults = { arn = "arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555" }
}
mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::123456789012:role/manifests-launcher" }
}
mock_resource "aws_sqs_queue" {
  defaults = {
    arn = "arn:aws:sqs:eu-west-2:123456789012:manifests-launcher-dlq"
    id  = "https://sqs.eu-west-2.amazonaws.com/123456789012/manifests-launcher-dlq"
  }
}
mock_resource "aws_athena_workgroup" {
  defaults = { arn = "arn:aws:athena:eu-west-2:123456789012:workgroup/manifests" }
}
mock_resource "aws_glue_job" {
  defaults = { arn = "arn:aws:glue:eu-west-2:123456789012:job/manifests" }
}
mock_resource "aws_cloudwatch_event_rule" {
  defaults = { arn = "arn:aws:events:eu-west-2:123456789012:rule/manifests-batch-finished" }
}
mock_resource "aws_lambda_function" {
  defaults = { arn = "arn:aws:lambda:eu-west-2:123456789012:function:manifests-launcher" }
}
