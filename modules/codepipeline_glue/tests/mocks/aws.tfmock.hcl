# Mocked AWS answers shared by this module's tests/*.tftest.hcl.

mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}
mock_data "aws_region" {
  defaults = { name = "us-east-1" }
}
mock_data "aws_partition" {
  defaults = { partition = "aws" }
}
# Without a mocked document every policy's json is a random string, which IAM arguments refuse.
mock_data "aws_iam_policy_document" {
  defaults = { json = "{}" }
}
mock_data "aws_codecommit_repository" {
  defaults = {
    arn            = "arn:aws:codecommit:us-east-1:123456789012:shared-glue-jobs"
    clone_url_http = "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/shared-glue-jobs"
    clone_url_ssh  = "ssh://git-codecommit.us-east-1.amazonaws.com/v1/repos/shared-glue-jobs"
  }
}
mock_data "aws_codestarconnections_connection" {
  defaults = { connection_status = "AVAILABLE" }
}
mock_resource "aws_kms_key" {
  defaults = { arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555" }
}
mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::123456789012:role/orders-deploy-role" }
}
mock_resource "aws_s3_bucket" {
  defaults = {
    arn = "arn:aws:s3:::orders-deploy-artifacts-123456789012-us-east-1"
    id  = "orders-deploy-artifacts-123456789012-us-east-1"
  }
}
mock_resource "aws_codecommit_repository" {
  defaults = {
    arn            = "arn:aws:codecommit:us-east-1:123456789012:orders-glue-jobs"
    clone_url_http = "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/orders-glue-jobs"
    clone_url_ssh  = "ssh://git-codecommit.us-east-1.amazonaws.com/v1/repos/orders-glue-jobs"
  }
}
mock_resource "aws_codestarconnections_connection" {
  defaults = {
    arn               = "arn:aws:codestar-connections:us-east-1:123456789012:connection/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    connection_status = "PENDING"
  }
}
mock_resource "aws_sns_topic" {
  defaults = { arn = "arn:aws:sns:us-east-1:123456789012:orders-deploy-approvals" }
}
mock_resource "aws_lambda_function" {
  defaults = { arn = "arn:aws:lambda:us-east-1:123456789012:function:orders-deploy-glue-deployer" }
}
mock_resource "aws_codepipeline" {
  defaults = { arn = "arn:aws:codepipeline:us-east-1:123456789012:orders-deploy" }
}
mock_resource "aws_cloudwatch_event_rule" {
  defaults = { arn = "arn:aws:events:us-east-1:123456789012:rule/orders-deploy-source-push" }
}
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-deploy-glue-deployer" }
}
