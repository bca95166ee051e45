# The three roles (modules/_parts/iam_role), each with the grants built in local.policy_statements (by role) from
# the module's own resources and the targets, so the tests can check every statement's resources:
# - the deployer's: read the input artifacts, upload code under each target's deployment prefix, update and run
#   the target jobs only, pass their roles to Glue only, report to CodePipeline, write its logs;
# - the pipeline's: the artifact bucket and key, the source (repository or connection), invoke the deployer,
#   publish approval notifications;
# - the source rule's (CodeCommit): start this pipeline, nothing else.
# "*" appears once, where AWS documents that the actions take no resource-level permissions, and says so.

locals {
  no_conditions = []

  target_job_arns  = [for target in var.targets : target.job_arn]
  target_role_arns = distinct([for target in var.targets : target.role_arn])
  target_key_arns  = distinct(compact([for target in var.targets : target.kms_key_arn]))
  # Each target's uploads: s3://<script_bucket>/<deployment_prefix><commit>/<file>, nothing else.
  target_upload_arns = distinct([for target in var.targets : "arn:${local.partition}:s3:::${target.script_bucket}/${target.deployment_prefix}*"])

  policy_statements = {
    deployer = concat(
      [{
        sid        = "ReadInputArtifacts"
        actions    = ["s3:GetObject", "s3:GetObjectVersion"]
        resources  = ["${local.artifact_bucket_arn}/*"]
        conditions = local.no_conditions
      }],
      [{
        sid = "ListArtifactBucket"
        # Without it S3 answers a missing artifact with AccessDenied, reported as a PermissionError instead of the
        # missing object it is. The bucket holds only this pipeline's artifacts.
        actions    = ["s3:ListBucket"]
        resources  = [local.artifact_bucket_arn]
        conditions = local.no_conditions
      }],
      [{
        sid = "DecryptWithTheModuleKey"
        # The input artifacts (SSE-KMS with the artifact key) and the function's environment.
        actions    = ["kms:Decrypt"]
        resources  = [local.kms_key_arn]
        conditions = local.no_conditions
      }],
      [{
        sid        = "UploadJobCode"
        actions    = ["s3:PutObject"]
        resources  = local.target_upload_arns
        conditions = local.no_conditions
      }],
      length(local.target_key_arns) == 0 ? [] : [{
        sid = "EncryptJobCode"
        # The target jobs' script buckets are SSE-KMS with the jobs' keys: S3 asks for a data key as the uploader.
        actions   = ["kms:Encrypt", "kms:GenerateDataKey"]
        resources = local.target_key_arns
        conditions = [{
          test     = "StringEquals"
          variable = "kms:ViaService"
          values   = ["s3.${local.region}.amazonaws.com"]
        }]
      }],
      [{
        sid        = "DeployTargetJobs"
        actions    = ["glue:GetJob", "glue:GetJobRun", "glue:GetJobRuns", "glue:StartJobRun", "glue:UpdateJob"]
        resources  = local.target_job_arns
        conditions = local.no_conditions
      }],
      [{
        sid = "PassTargetJobRoles"
        # UpdateJob passes the job's (unchanged) role: only these roles, and only to Glue.
        actions   = ["iam:PassRole"]
        resources = local.target_role_arns
        conditions = [{
          test     = "StringEquals"
          variable = "iam:PassedToService"
          values   = ["glue.amazonaws.com"]
        }]
      }],
      [{
        sid = "ReportToThePipeline"
        # "*": PutJobSuccessResult and PutJobFailureResult support no resource-level permissions; AWS documents
        # "Resource": "*" for a Lambda invoke action's function (CodePipeline user guide, "Invoke an AWS Lambda
        # function in a pipeline"). They only report on jobs CodePipeline handed to this function.
        actions    = ["codepipeline:PutJobFailureResult", "codepipeline:PutJobSuccessResult"]
        resources  = ["*"]
        conditions = local.no_conditions
      }],
      [{
        sid        = "WriteLogs"
        actions    = ["logs:CreateLogStream", "logs:PutLogEvents"]
        resources  = ["${local.log_group_arn}:*"]
        conditions = local.no_conditions
      }],
    )

    pipeline = concat(
      [{
        sid        = "LocateTheArtifactBucket"
        actions    = ["s3:GetBucketAcl", "s3:GetBucketLocation", "s3:GetBucketVersioning"]
        resources  = [local.artifact_bucket_arn]
        conditions = local.no_conditions
      }],
      [{
        sid = "ReadAndWriteArtifacts"
        # s3:PutObjectAcl: CodePipeline may store artifacts with a bucket-owner-full-control ACL header, which S3
        # authorises as PutObjectAcl; with the bucket's ACLs disabled it changes nothing.
        actions    = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:PutObjectAcl"]
        resources  = ["${local.artifact_bucket_arn}/*"]
        conditions = local.no_conditions
      }],
      [{
        sid = "UseTheArtifactKey"
        # The artifact store's key (and a created approval topic's): encrypt what the source action stores,
        # decrypt what the actions read.
        actions    = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]
        resources  = [local.kms_key_arn]
        conditions = local.no_conditions
      }],
      [{
        sid        = "InvokeTheDeployer"
        actions    = ["lambda:InvokeFunction"]
        resources  = [local.function_arn]
        conditions = local.no_conditions
      }],
      local.use_codecommit ? [{
        sid = "ReadTheRepository"
        # What the CodeCommit source action does: read the branch and commit, archive it into the artifact store.
        actions = [
          "codecommit:CancelUploadArchive",
          "codecommit:GetBranch",
          "codecommit:GetCommit",
          "codecommit:GetRepository",
          "codecommit:GetUploadArchiveStatus",
          "codecommit:UploadArchive",
        ]
        resources  = [local.repository_arn]
        conditions = local.no_conditions
      }] : [],
      local.use_codestar ? [{
        sid = "UseTheConnection"
        # The service is now AWS CodeConnections: connections made since 2024 are authorised as
        # codeconnections:UseConnection, older ones as codestar-connections:UseConnection.
        actions    = ["codeconnections:UseConnection", "codestar-connections:UseConnection"]
        resources  = [local.connection_arn]
        conditions = local.no_conditions
      }] : [],
      local.approval_notifications ? [{
        sid        = "PublishApprovalNotifications"
        actions    = ["sns:Publish"]
        resources  = [local.approval_topic_arn]
        conditions = local.no_conditions
      }] : [],
      # A created topic uses the module's key (granted above); a topic passed in may have its own.
      local.approval_notifications && !local.create_approval_topic && local.approval_topic_key_arn != null ? [{
        sid       = "EncryptApprovalNotifications"
        actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
        resources = [local.approval_topic_key_arn]
        conditions = [{
          test     = "StringEquals"
          variable = "kms:ViaService"
          values   = ["sns.${local.region}.amazonaws.com"]
        }]
      }] : [],
    )

    source_events = [{
      sid        = "StartThisPipeline"
      actions    = ["codepipeline:StartPipelineExecution"]
      resources  = [local.pipeline_arn]
      conditions = local.no_conditions
    }]
  }

  # The same statements by role and sid (what the tests read).
  statements_by_sid = { for role, statements in local.policy_statements : role => { for statement in statements : statement.sid => statement } }

  # Who may assume each role, as data so the tests can read it. Confused-deputy protection: CodePipeline and
  # EventBridge only when acting for this account (and for EventBridge, for the source rule only).
  trust = {
    pipeline = {
      service = "codepipeline.amazonaws.com"
      conditions = [{
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [local.account_id]
      }]
    }
    deployer = {
      service    = "lambda.amazonaws.com"
      conditions = []
    }
    source_events = {
      service = "events.amazonaws.com"
      conditions = [
        {
          test     = "StringEquals"
          variable = "aws:SourceAccount"
          values   = [local.account_id]
        },
        {
          test     = "ArnEquals"
          variable = "aws:SourceArn"
          values   = [local.source_rule_arn]
        },
      ]
    }
  }
}

module "deployer_role" {
  source = "../_parts/iam_role"

  name                     = local.function_name
  description              = "Runs the Glue deployer of pipeline ${local.pipeline_name}"
  trusted_service          = local.trust.deployer.service
  trust_conditions         = local.trust.deployer.conditions
  permissions_boundary_arn = var.role_permissions_boundary_arn
  policy_name              = "glue-deployer-permissions"
  policy_statements        = local.policy_statements.deployer
  tags                     = var.tags
}

module "pipeline_role" {
  source = "../_parts/iam_role"

  name                     = "${var.name}-codepipeline"
  description              = "Runs pipeline ${local.pipeline_name}"
  trusted_service          = local.trust.pipeline.service
  trust_conditions         = local.trust.pipeline.conditions
  permissions_boundary_arn = var.role_permissions_boundary_arn
  policy_name              = "pipeline-permissions"
  policy_statements        = local.policy_statements.pipeline
  tags                     = var.tags
}

module "source_events_role" {
  source = "../_parts/iam_role"
  count  = local.use_codecommit ? 1 : 0

  name                     = "${var.name}-source-events"
  description              = "Lets rule ${local.source_rule_name} start pipeline ${local.pipeline_name}"
  trusted_service          = local.trust.source_events.service
  trust_conditions         = local.trust.source_events.conditions
  permissions_boundary_arn = var.role_permissions_boundary_arn
  policy_name              = "source-events-permissions"
  policy_statements        = local.policy_statements.source_events
  tags                     = var.tags
}
