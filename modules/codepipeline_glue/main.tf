# A git push deploys Glue jobs: Source (CodeCommit or a CodeStar connection) -> for each target, an optional
# manual approval, then a Lambda invoke of the deployer, which uploads the pushed commit's script (and library)
# under the job's deployment prefix, updates that job in place, runs it and passes or fails the stage with the run.
# The rules between inputs are preconditions here, checked at plan time.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

# The source rule reads only the source inputs, so the region is known at plan even while the target jobs are
# being created (rules that read the targets are preconditions of the pipeline, below).
data "aws_region" "current" {
  lifecycle {
    precondition {
      condition     = (var.codecommit == null) != (var.codestar == null)
      error_message = "Set exactly one source: codecommit (a CodeCommit repository) or codestar (GitHub, GitLab or Bitbucket through a CodeStar connection); ${var.codecommit == null ? "neither is set" : "both are set"}."
    }
  }
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition

  # ---------------------------------------------------------------- names (ARNs built from them are known at plan)
  pipeline_name       = var.name
  pipeline_arn        = "arn:${local.partition}:codepipeline:${local.region}:${local.account_id}:${local.pipeline_name}"
  function_name       = "${var.name}-glue-deployer"
  function_arn        = "arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:${local.function_name}"
  log_group_name      = "/aws/lambda/${local.function_name}"
  log_group_arn       = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"
  artifact_bucket     = "${replace(var.name, "_", "-")}-artifacts-${local.account_id}-${local.region}"
  artifact_bucket_arn = "arn:${local.partition}:s3:::${local.artifact_bucket}"

  # ---------------------------------------------------------------- stages: Source, then per target [approval,] deploy
  source_artifact  = "source"
  source_namespace = "SourceVariables"

  # What the deployer reads from the action's UserParameters (src/lambdas/glue_deployer/README.md): one JSON
  # object per target, optional keys left out when unset.
  user_parameters = {
    for target in var.targets : target.name => jsonencode(merge(
      {
        job_name      = target.job_name
        script_path   = target.script_path
        script_bucket = target.script_bucket
        script_prefix = target.deployment_prefix
        wait_for_run  = target.wait_for_run
      },
      target.library_dir == null ? {} : { library_dir = target.library_dir },
      length(target.default_arguments) == 0 ? {} : { default_arguments = target.default_arguments },
    ))
  }

  target_stages = flatten([
    for target in var.targets : concat(
      target.approval_before ? [{
        name = "Approve-${target.name}"
        kind = "approval"
        action = {
          name     = "Approve"
          category = "Approval"
          provider = "Manual"
          configuration = merge(
            { CustomData = "Deploy commit #{${local.source_namespace}.CommitId} to Glue job ${target.job_name} (${target.name})?" },
            local.approval_topic_arn == null ? {} : { NotificationArn = local.approval_topic_arn },
          )
          input_artifacts = []
          namespace       = null
        }
      }] : [],
      [{
        name = target.name
        kind = "deploy"
        action = {
          name     = "Deploy"
          category = "Invoke"
          provider = "Lambda"
          configuration = {
            FunctionName   = aws_lambda_function.deployer.function_name
            UserParameters = local.user_parameters[target.name]
          }
          input_artifacts = [local.source_artifact]
          # The deployer's output variables (job_name, run_id, commit_id, script_s3_uri...) as #{Deploy-<name>.<key>}.
          namespace = "Deploy-${target.name}"
        }
      }],
    )
  ])
  stage_names = concat(["Source"], [for stage in local.target_stages : stage.name])
}

resource "aws_codepipeline" "this" {
  name           = local.pipeline_name
  role_arn       = module.pipeline_role.arn
  pipeline_type  = "V2"
  execution_mode = var.execution_mode
  tags           = var.tags

  artifact_store {
    type     = "S3"
    location = module.artifact_bucket.id
    encryption_key {
      type = "KMS"
      id   = local.kms_key_arn
    }
  }

  stage {
    name = "Source"

    action {
      name             = "Source"
      category         = "Source"
      owner            = "AWS"
      provider         = local.source_provider
      version          = "1"
      output_artifacts = [local.source_artifact]
      namespace        = local.source_namespace
      configuration    = local.source_configuration
    }
  }

  dynamic "stage" {
    for_each = local.target_stages
    content {
      name = stage.value.name

      action {
        name            = stage.value.action.name
        category        = stage.value.action.category
        owner           = "AWS"
        provider        = stage.value.action.provider
        version         = "1"
        input_artifacts = stage.value.action.input_artifacts
        namespace       = stage.value.action.namespace
        configuration   = stage.value.action.configuration
      }
    }
  }

  # A CodeStar connection source starts the pipeline through a V2 trigger: pushes to the branch that touch
  # the Glue sources. (CodeCommit has no V2 trigger: its EventBridge rule is in source.tf.)
  dynamic "trigger" {
    for_each = var.codestar == null ? [] : [var.codestar]
    content {
      provider_type = "CodeStarSourceConnection"
      git_configuration {
        source_action_name = "Source"
        push {
          branches {
            includes = [trigger.value.branch]
          }
          dynamic "file_paths" {
            for_each = length(local.trigger_file_paths) == 0 ? [] : [local.trigger_file_paths]
            content {
              includes = file_paths.value
            }
          }
        }
      }
    }
  }

  # Rules that read the targets (checked at plan, or at apply while the target jobs are still being created).
  lifecycle {
    precondition {
      condition     = alltrue([for target in var.targets : split(":", target.job_arn)[3] == local.region && split(":", target.job_arn)[4] == local.account_id])
      error_message = "targets[*].job_arn must name jobs in this pipeline's account and region (${local.account_id}, ${local.region}), where the deployer calls Glue; not: ${join(", ", [for target in var.targets : target.job_arn if split(":", target.job_arn)[3] != local.region || split(":", target.job_arn)[4] != local.account_id])}."
    }
    precondition {
      condition     = length(local.trigger_file_paths) <= 8
      error_message = "The CodeStar trigger would filter on ${length(local.trigger_file_paths)} file paths (each target's script_path and library_dir), more than the 8 CodePipeline accepts: set codestar.file_paths to at most 8 globs, e.g. [\"src/glue/**\"]."
    }
    precondition {
      condition     = alltrue([for parameters in values(local.user_parameters) : length(parameters) <= 1000])
      error_message = "The deployer's UserParameters of target(s) ${join(", ", [for name, parameters in local.user_parameters : name if length(parameters) > 1000])} exceed the 1000 characters CodePipeline accepts: shorten default_arguments (static arguments belong on the job, in modules/glue_job)."
    }
    precondition {
      condition     = var.approval_topic == null || anytrue([for target in var.targets : target.approval_before])
      error_message = "approval_topic is set but no target has approval_before = true, so nothing would publish to it: set approval_before on a target or leave approval_topic null."
    }
  }

  # The role carries its policy before the pipeline first runs.
  depends_on = [module.pipeline_role]
}
