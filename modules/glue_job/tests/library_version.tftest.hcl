# A release's job script and library artifact must fit: the script's REQUIRES_ETL_LIB line against the version in the
# artifact's file name, by the caret rule etl_lib.edge.check_library_version applies at start. Checked at plan time
# only when both carry a version. file() reads the real fixture files (empty artifacts with versioned names).

mock_provider "aws" {
  # One set of mocked AWS answers for every test file of this module.
  source = "./tests/mocks"
}

# ---------------------------------------------------------------- compatible: plans

run "equal_versions_plan" {
  command = plan

  variables {
    script_path  = "tests/fixtures/library_version/requires_1_2_0.py"
    library_path = "tests/fixtures/library_version/etl_lib-1.2.0-py3-none-any.whl"
  }
  assert {
    condition     = local.etl_lib_required.version == "1.2.0" && local.etl_lib_supplied.version == "1.2.0" && local.etl_lib_versions_compatible
    error_message = "The script's REQUIRES_ETL_LIB and the wheel's name must both be read, and an equal version must fit."
  }
  assert {
    condition     = local.etl_lib_accepted == "any 1.x"
    error_message = "A 1.x requirement accepts any 1.x at or above it."
  }
}

run "newer_minor_library_plans" {
  command = plan

  variables {
    script_path  = "tests/fixtures/library_version/requires_1_2_0.py"
    library_path = "tests/fixtures/library_version/etl_lib-1.3.0.zip"
  }
  assert {
    condition     = local.etl_lib_supplied.version == "1.3.0" && local.etl_lib_versions_compatible
    error_message = "etl_lib 1.3.0 (a .zip, for Spark) must satisfy a script needing 1.2.0."
  }
}

run "newer_patch_of_the_same_0x_minor_plans" {
  command = plan

  variables {
    script_path  = "tests/fixtures/library_version/requires_0_2_0.py"
    library_path = "tests/fixtures/library_version/etl_lib-0.2.5-py3-none-any.whl"
  }
  assert {
    condition     = local.etl_lib_required.version == "0.2.0" && local.etl_lib_versions_compatible && local.etl_lib_accepted == "any 0.2.x"
    error_message = "etl_lib 0.2.5 must satisfy a script needing 0.2.0 (a line with a trailing comment is read too)."
  }
}

# ---------------------------------------------------------------- mismatch: the library object's precondition fails

run "rejects_older_library" {
  command = plan

  variables {
    script_path  = "tests/fixtures/library_version/requires_1_2_0.py"
    library_path = "tests/fixtures/library_version/etl_lib-1.1.9.zip"
  }
  expect_failures = [aws_s3_object.library]
}

run "rejects_older_minor_library_of_the_message_example" {
  command = plan

  variables {
    script_path  = "tests/fixtures/library_version/requires_1_2_0.py"
    library_path = "tests/fixtures/library_version/etl_lib-1.0.0.zip"
  }
  expect_failures = [aws_s3_object.library]
}

run "rejects_other_major_library" {
  command = plan

  variables {
    script_path  = "tests/fixtures/library_version/requires_1_2_0.py"
    library_path = "tests/fixtures/library_version/etl_lib-2.0.0.zip"
  }
  expect_failures = [aws_s3_object.library]
}

run "rejects_other_0x_minor_library" {
  command = plan

  variables {
    script_path  = "tests/fixtures/library_version/requires_0_2_0.py"
    library_path = "tests/fixtures/library_version/etl_lib-0.3.0-py3-none-any.whl"
  }
  expect_failures = [aws_s3_object.library]
}

# ---------------------------------------------------------------- a side without a version: nothing compared

run "unversioned_library_name_is_not_compared" {
  command = plan

  # This repository's build keeps build/glue/etl_lib.zip, without a version in its name.
  variables {
    script_path  = "tests/fixtures/library_version/requires_1_2_0.py"
    library_path = "tests/fixtures/library_version/etl_lib.zip"
  }
  assert {
    condition     = local.etl_lib_required.version == "1.2.0" && local.etl_lib_supplied == null && local.etl_lib_versions_compatible
    error_message = "A library name without a version must plan, whatever the script needs."
  }
}

run "other_library_name_is_not_compared" {
  command = plan

  variables {
    script_path  = "tests/fixtures/library_version/requires_1_2_0.py"
    library_path = "tests/fixtures/lib.zip"
  }
  assert {
    condition     = local.etl_lib_supplied == null && local.etl_lib_versions_compatible
    error_message = "Only etl_lib-X.Y.Z.zip and etl_lib-X.Y.Z-py3-none-any.whl carry a version."
  }
}

run "script_without_the_line_is_not_compared" {
  command = plan

  # Its only REQUIRES_ETL_LIB is indented (not a module-level line), so it declares nothing.
  variables {
    script_path  = "tests/fixtures/library_version/no_requirement.py"
    library_path = "tests/fixtures/library_version/etl_lib-0.3.0-py3-none-any.whl"
  }
  assert {
    condition     = local.etl_lib_required == null && local.etl_lib_supplied.version == "0.3.0" && local.etl_lib_versions_compatible
    error_message = "A script without a module-level REQUIRES_ETL_LIB line must plan with any library."
  }
}

run "no_library_is_not_compared" {
  command = plan

  variables {
    script_path  = "tests/fixtures/library_version/requires_1_2_0.py"
    library_path = null
  }
  assert {
    condition     = length(aws_s3_object.library) == 0 && local.etl_lib_supplied == null
    error_message = "Without library_path there is no library object and nothing to compare."
  }
}
