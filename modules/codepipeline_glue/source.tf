# The source: a CodeCommit repository (created, or an existing one by name) whose branch updates start the
# pipeline through an EventBridge rule; or a CodeStar connection (created PENDING, or an existing one) to a
# GitHub, GitLab or Bitbucket repository, which starts it through the pipeline's V2 trigger (main.tf).

locals {
  use_codecommit    = var.codecommit != null
  use_codestar      = var.codestar != null && !local.use_codecommit # both set: refused by the precondition in main.tf
  create_repository = local.use_codecommit ? var.codecommit.create_repository : false
  create_connection = local.use_codestar ? var.codestar.connection_arn == null : false

  # ---------------------------------------------------------------- CodeCommit
  repository_name = local.use_codecommit ? var.codecommit.repository_name : null
  repository_arn  = local.use_codecommit ? "arn:${local.partition}:codecommit:${local.region}:${local.account_id}:${local.repository_name}" : null
  clone_url_http  = local.use_codecommit ? (local.create_repository ? aws_codecommit_repository.this[0].clone_url_http : data.aws_codecommit_repository.existing[0].clone_url_http) : null
  clone_url_ssh   = local.use_codecommit ? (local.create_repository ? aws_codecommit_repository.this[0].clone_url_ssh : data.aws_codecommit_repository.existing[0].clone_url_ssh) : null

  source_rule_name = "${var.name}-source-push"
  source_rule_arn  = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${local.source_rule_name}"

  # Pushes (and branch creation) on the one branch, as CodeCommit reports them to EventBridge.
  source_event_pattern = local.use_codecommit ? {
    source        = ["aws.codecommit"]
    "detail-type" = ["CodeCommit Repository State Change"]
    resources     = [local.repository_arn]
    detail = {
      event         = ["referenceCreated", "referenceUpdated"]
      referenceType = ["branch"]
      referenceName = [var.codecommit.branch]
    }
  } : null

  # ---------------------------------------------------------------- CodeStar connection
  connection_arn    = local.use_codestar ? (local.create_connection ? aws_codestarconnections_connection.this[0].arn : var.codestar.connection_arn) : null
  connection_status = local.use_codestar ? (local.create_connection ? aws_codestarconnections_connection.this[0].connection_status : data.aws_codestarconnections_connection.existing[0].connection_status) : null

  # The trigger's file-path filter: what the caller lists, else the Glue sources the targets deploy.
  default_file_paths = distinct(flatten([
    for target in var.targets : concat([target.script_path], target.library_dir == null ? [] : ["${target.library_dir}/**"])
  ]))
  trigger_file_paths = local.use_codestar ? coalesce(var.codestar.file_paths, local.default_file_paths) : []

  # ---------------------------------------------------------------- the source action
  source_provider = local.use_codestar ? "CodeStarSourceConnection" : "CodeCommit"
  source_configuration = local.use_codestar ? {
    ConnectionArn        = local.connection_arn
    FullRepositoryId     = var.codestar.full_repository_id
    BranchName           = var.codestar.branch
    OutputArtifactFormat = "CODE_ZIP"
    } : {
    # (coalesce and try: with neither source set the plan stops at the precondition in main.tf, not here.)
    RepositoryName = coalesce(local.repository_name, "-")
    BranchName     = try(var.codecommit.branch, "main")
    # Changes are detected by the EventBridge rule below, never by polling.
    PollForSourceChanges = "false"
    OutputArtifactFormat = "CODE_ZIP"
  }
}

# ------------------------------------------------------------------ CodeCommit

resource "aws_codecommit_repository" "this" {
  # checkov:skip=CKV2_AWS_37:Approval rules belong to the team's review process (an approval rule template associated by the organisation), not to the deploy pipeline.
  count = local.create_repository ? 1 : 0

  repository_name = local.repository_name
  description     = "Glue job sources deployed by pipeline ${local.pipeline_name}"
  # Takes effect once the branch exists (the first push); until then the repository has no branch.
  default_branch = var.codecommit.branch
  tags           = var.tags
}

data "aws_codecommit_repository" "existing" {
  count = local.use_codecommit && !local.create_repository ? 1 : 0

  repository_name = local.repository_name
}

resource "aws_cloudwatch_event_rule" "source_push" {
  count = local.use_codecommit ? 1 : 0

  name          = local.source_rule_name
  description   = "Starts pipeline ${local.pipeline_name} on pushes to ${var.codecommit.branch} of ${local.repository_name}"
  event_pattern = jsonencode(local.source_event_pattern)
  tags          = var.tags
}

resource "aws_cloudwatch_event_target" "source_push" {
  count = local.use_codecommit ? 1 : 0

  rule      = aws_cloudwatch_event_rule.source_push[0].name
  target_id = "start-pipeline"
  arn       = aws_codepipeline.this.arn
  role_arn  = module.source_events_role[0].arn

  depends_on = [module.source_events_role]
}

# ------------------------------------------------------------------ CodeStar connection

# Created PENDING: someone with access to the GitHub, GitLab or Bitbucket organisation completes the handshake
# once in the console (README, "Completing a CodeStar connection"); until then the source action fails.
resource "aws_codestarconnections_connection" "this" {
  count = local.create_connection ? 1 : 0

  name          = var.name
  provider_type = var.codestar.provider_type
  tags          = var.tags
}

# An existing connection, read for its status (an output: AVAILABLE once its handshake is done).
data "aws_codestarconnections_connection" "existing" {
  count = local.use_codestar && !local.create_connection ? 1 : 0

  arn = var.codestar.connection_arn
}
