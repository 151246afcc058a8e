/* test_template.c: message templates (API.md "Workflows, messages,
 * channels": "Templates use {{first_name}}, {{agent.name}}, {{agent.phone}}
 * and any contact field; an unknown variable is refused when the workflow
 * is saved"). What a contact reads is the rendered text: a missing first
 * name must not leave "Hi ," when a fallback was given, and a value that
 * looks like a variable must reach them as typed, never expanded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/template.h"
#include "util/error.h"
#include "util/strbuf.h"

/* A contact, an agent and an account as the sender would fill them. */
static const char *const values[][2] = {
    {"first_name", "Dana"},
    {"last_name", "Reyes"},
    {"agent.name", "Sam Hill"},
    {"agent.phone", "+12015550123"},
    {"address.city", "Hoboken"},
    {"partner", ""},                            /* empty: the fallback applies */
    {"interests", "{{agent.phone}} and {{x}}"}, /* a value that looks like a template */
    {"children", "{{"},
};

static const char *lookup(const char *name, size_t len, void *ctx) {
  int *calls = ctx;
  if (calls) (*calls)++;
  assert_int_equal(strlen(name), len); /* the name is NUL-terminated */
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
    if (strcmp(values[i][0], name) == 0) return values[i][1];
  return NULL;
}

static char *render(const char *tpl) {
  rp_sb sb = {0};
  int rc = rp_template_render(&sb, tpl, strlen(tpl), lookup, NULL);
  if (rc != 0) fail_msg("render \"%s\": %d %s", tpl, rc, rp_error_last()->message);
  return rp_sb_take(&sb);
}

static void assert_renders(const char *tpl, const char *want) {
  char *got = render(tpl);
  if (strcmp(got, want) != 0) {
    print_error("\"%s\": want \"%s\", got \"%s\"\n", tpl, want, got);
    free(got);
    fail();
  }
  free(got);
}

static void test_template_renders_variables(void **state) {
  (void)state;
  assert_renders("Hi {{first_name}}, it's {{agent.name}} ({{agent.phone}}).",
                 "Hi Dana, it's Sam Hill (+12015550123).");
  assert_renders("{{ first_name }} {{\tlast_name\t}}", "Dana Reyes");
  assert_renders("{{address.city}}", "Hoboken");
  assert_renders("no variables at all", "no variables at all");
  assert_renders("", "");
  assert_renders("{{first_name}}{{last_name}}", "DanaReyes");
  assert_renders("line one\n{{first_name}}\r\nline three", "line one\nDana\r\nline three");
  /* UTF-8 passes through */
  assert_renders("Caf\xc3\xa9 {{first_name}} \xe2\x80\x94 ok", "Caf\xc3\xa9 Dana \xe2\x80\x94 ok");
}

static void test_template_single_braces_are_text(void **state) {
  (void)state;
  assert_renders("{ } }} a}}b {x} {first_name}", "{ } }} a}}b {x} {first_name}");
  assert_renders("{{first_name}}}", "Dana}");
  assert_renders("end with {", "end with {");
  assert_renders("}}{{first_name}}", "}}Dana");
}

static void test_template_fallback_replaces_missing_or_empty(void **state) {
  (void)state;
  assert_renders("Hi {{nickname|there}}!", "Hi there!");                 /* NULL value */
  assert_renders("With {{partner|your family}}.", "With your family.");  /* "" value */
  assert_renders("Hi {{first_name|there}}!", "Hi Dana!");                /* value wins */
  assert_renders("Hi {{ nickname | dear friend }}!", "Hi dear friend!"); /* trimmed */
  assert_renders("Hi {{nickname|}}!", "Hi !");
  assert_renders("Hi {{nickname}}!", "Hi !"); /* no fallback: nothing */
  assert_renders("{{nickname|a|b: c, d!}}", "a|b: c, d!");
}

/* A value is written as it is, never read as a template again. */
static void test_template_values_not_expanded(void **state) {
  (void)state;
  assert_renders("Likes: {{interests}}", "Likes: {{agent.phone}} and {{x}}");
  assert_renders("{{children}}{{first_name}}", "{{Dana");
}

static void test_template_render_appends_and_calls_lookup_once_per_variable(void **state) {
  (void)state;
  rp_sb sb = {0};
  rp_sb_puts(&sb, "Subject: ");
  int calls = 0;
  const char *tpl = "{{first_name}} & {{partner|you}}";
  assert_int_equal(rp_template_render(&sb, tpl, strlen(tpl), lookup, &calls), 0);
  assert_string_equal(rp_sb_str(&sb), "Subject: Dana & you");
  assert_int_equal(calls, 2);
  /* a NULL lookup leaves every variable without a value */
  rp_sb_reset(&sb);
  assert_int_equal(rp_template_render(&sb, tpl, strlen(tpl), NULL, NULL), 0);
  assert_string_equal(rp_sb_str(&sb), " & you");
  rp_sb_free(&sb);
}

typedef struct {
  const char *tpl;
  const char *reason;
} refusal;

static const refusal syntax_errors[] = {
    {"Hi {{first_name", "unclosed '{{' at 3"},
    {"Hi {{", "unclosed '{{' at 3"},
    {"Hi {{ ", "unclosed '{{' at 3"},
    {"Hi {{first_name}", "unclosed '{{' at 3"},
    {"Hi {{first_name\n}}", "unclosed '{{' at 3"},
    {"Hi {{first_name|there\n}}", "unclosed '{{' at 3"},
    {"Hi {{first_name|there", "unclosed '{{' at 3"},
    {"Hi {{\n", "unclosed '{{' at 3"},
    {"{{}}", "empty variable '{{}}' at 0"},
    {"x {{  }}", "empty variable '{{}}' at 2"},
    {"{{{first_name}}}", "expected a variable name after '{{' at 0"},
    {"{{#each}}", "expected a variable name after '{{' at 0"},
    {"{{ |x}}", "expected a variable name after '{{' at 0"},
    {"{{First_Name}}", "invalid variable name 'First_Name' at 0"},
    {"{{1st}}", "invalid variable name '1st' at 0"},
    {"{{_x}}", "invalid variable name '_x' at 0"},
    {"{{agent.}}", "invalid variable name 'agent.' at 0"},
    {"{{.name}}", "invalid variable name '.name' at 0"},
    {"{{agent..name}}", "invalid variable name 'agent..name' at 0"},
    {"{{address.1}}", "invalid variable name 'address.1' at 0"},
    {"{{first name}}", "unexpected 'n' at 8 in the variable at 0: expected '}}' or '|'"},
    {"{{first_name} }}", "unexpected '}' at 12 in the variable at 0"},
    {"{{first-name}}", "unexpected '-' at 7 in the variable at 0"},
    {"{{x\x01}}", "unexpected byte 0x01 at 3 in the variable at 0"},
    {"{{x|a{b}}", "'{' at 5 is not allowed in the fallback of the variable at 0"},
    {"{{x|a}b}}", "'}' at 5 is not allowed in the fallback of the variable at 0"},
    {"{{x|{{y}}}}", "'{' at 4 is not allowed in the fallback of the variable at 0"},
};

static void test_template_syntax_errors_name_offset_and_reason(void **state) {
  (void)state;
  int failures = 0;
  for (size_t i = 0; i < sizeof syntax_errors / sizeof syntax_errors[0]; i++) {
    const refusal *c = &syntax_errors[i];
    char why[256] = "";
    int rc = rp_template_check(c->tpl, strlen(c->tpl), NULL, NULL, why, sizeof why);
    /* the render refuses it the same way, leaving the output as it was */
    rp_sb sb = {0};
    rp_sb_puts(&sb, "kept");
    rp_error_clear();
    int rrc = rp_template_render(&sb, c->tpl, strlen(c->tpl), lookup, NULL);
    if (rc != RP_EINVALID_VALUE || !strstr(why, c->reason) || rrc != RP_EINVALID_VALUE ||
        strcmp(rp_error_last()->message, why) != 0 || strcmp(rp_sb_str(&sb), "kept") != 0) {
      print_error("\"%s\": want \"%s\", got check %d \"%s\", render %d \"%s\" out \"%s\"\n", c->tpl,
                  c->reason, rc, why, rrc, rp_error_last()->message, rp_sb_str(&sb));
      failures++;
    }
    rp_sb_free(&sb);
  }
  assert_int_equal(failures, 0);
}

static void test_template_nul_byte_refused(void **state) {
  (void)state;
  char why[128];
  assert_int_equal(rp_template_check("ab\0c", 4, NULL, NULL, why, sizeof why), RP_EINVALID_VALUE);
  assert_string_equal(why, "NUL byte at 2");
  assert_int_equal(rp_template_check("{{x|a\0}}", 8, NULL, NULL, why, sizeof why),
                   RP_EINVALID_VALUE);
  assert_string_equal(why, "NUL byte at 5");
}

/* "an unknown variable is refused when the workflow is saved" */
static void test_template_unknown_variable_refused(void **state) {
  (void)state;
  char why[256];
  const char *tpl = "Hi, {{frist_name}}";
  assert_int_equal(
      rp_template_check(tpl, strlen(tpl), rp_template_var_known, NULL, why, sizeof why),
      RP_EINVALID_VALUE);
  assert_string_equal(why, "unknown variable {{frist_name}} at 4");
  tpl = "{{ first_name }} {{agent.nme|x}}";
  assert_int_equal(
      rp_template_check(tpl, strlen(tpl), rp_template_var_known, NULL, why, sizeof why),
      RP_EINVALID_VALUE);
  assert_string_equal(why, "unknown variable {{agent.nme}} at 17");
  tpl = "Hi {{first_name|there}}, call {{agent.name}} at {{ agent.phone }}.\n"
        "{{address.city}} {{unsubscribe_url}}";
  why[0] = 'x';
  assert_int_equal(
      rp_template_check(tpl, strlen(tpl), rp_template_var_known, NULL, why, sizeof why), 0);
  assert_string_equal(why, "");
  /* no known callback: any well-formed name is accepted; why may be NULL */
  assert_int_equal(rp_template_check("{{anything.goes}}", 17, NULL, NULL, NULL, 0), 0);
  assert_int_equal(rp_template_check("{{frist_name}}", 14, rp_template_var_known, NULL, NULL, 0),
                   RP_EINVALID_VALUE);
}

/* The callback decides, and gets its context. */
static bool only_custom(const char *name, size_t len, void *ctx) {
  int *calls = ctx;
  (*calls)++;
  assert_int_equal(strlen(name), len);
  return strcmp(name, "custom.lot_size") == 0;
}

static void test_template_check_uses_callback(void **state) {
  (void)state;
  int calls = 0;
  char why[256];
  const char *tpl = "Lot: {{custom.lot_size}} {{custom.lot_size|?}}";
  assert_int_equal(rp_template_check(tpl, strlen(tpl), only_custom, &calls, why, sizeof why), 0);
  assert_int_equal(calls, 2);
  tpl = "{{custom.lot_size}} {{first_name}} {{custom.x}}";
  assert_int_equal(rp_template_check(tpl, strlen(tpl), only_custom, &calls, why, sizeof why),
                   RP_EINVALID_VALUE);
  assert_string_equal(why, "unknown variable {{first_name}} at 20");
}

static void test_template_builtin_variables(void **state) {
  (void)state;
  static const char *const yes[] = {"first_name",
                                    "last_name",
                                    "display_name",
                                    "email",
                                    "phone",
                                    "company",
                                    "address.street",
                                    "address.city",
                                    "address.region",
                                    "address.postal_code",
                                    "address.country",
                                    "birthday",
                                    "anniversary",
                                    "partner",
                                    "children",
                                    "pets",
                                    "interests",
                                    "status",
                                    "stage",
                                    "category",
                                    "type",
                                    "intent",
                                    "timeframe",
                                    "source",
                                    "agent.name",
                                    "agent.first_name",
                                    "agent.phone",
                                    "agent.email",
                                    "account.name",
                                    "unsubscribe_url"};
  static const char *const no[] = {"notes", "agent",    "address", "first",     "first_name.x",
                                   "id",    "password", "",        "FIRST_NAME"};
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
    if (!rp_template_var_known(yes[i], strlen(yes[i]), NULL)) fail_msg("%s not known", yes[i]);
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
    if (rp_template_var_known(no[i], strlen(no[i]), NULL)) fail_msg("%s known", no[i]);
  assert_false(rp_template_var_known("first_name", 5, NULL)); /* a prefix is not a name */
  size_t n;
  const char *const *list = rp_template_vars(&n);
  assert_true(n >= sizeof yes / sizeof yes[0]);
  for (size_t i = 0; i < n; i++) {
    assert_true(rp_template_var_known(list[i], strlen(list[i]), NULL));
    if (i) assert_true(strcmp(list[i - 1], list[i]) < 0); /* sorted, no duplicates */
  }
}

static void test_template_bounds(void **state) {
  (void)state;
  char why[256];
  /* 16 KiB of text is fine, one byte more is not */
  char *big = malloc(RP_TEMPLATE_MAX_LEN + 1);
  memset(big, 'a', RP_TEMPLATE_MAX_LEN + 1);
  assert_int_equal(rp_template_check(big, RP_TEMPLATE_MAX_LEN, NULL, NULL, why, sizeof why), 0);
  assert_int_equal(rp_template_check(big, RP_TEMPLATE_MAX_LEN + 1, NULL, NULL, why, sizeof why),
                   RP_EINVALID_VALUE);
  assert_string_equal(why, "longer than 16384 bytes");
  rp_sb sb = {0};
  assert_int_equal(rp_template_render(&sb, big, RP_TEMPLATE_MAX_LEN + 1, lookup, NULL),
                   RP_EINVALID_VALUE);
  free(big);

  /* 256 variables are fine, 257 are not */
  rp_sb tpl = {0};
  for (int i = 0; i < RP_TEMPLATE_MAX_VARS; i++)
    rp_sb_puts(&tpl, "{{first_name}}");
  assert_int_equal(rp_template_check(tpl.p, tpl.len, rp_template_var_known, NULL, why, sizeof why),
                   0);
  assert_int_equal(rp_template_render(&sb, tpl.p, tpl.len, lookup, NULL), 0);
  assert_int_equal(sb.len, 4 * RP_TEMPLATE_MAX_VARS);
  rp_sb_puts(&tpl, "{{first_name}}");
  assert_int_equal(rp_template_check(tpl.p, tpl.len, rp_template_var_known, NULL, why, sizeof why),
                   RP_EINVALID_VALUE);
  assert_string_equal(why, "more than 256 variables");

  /* names: 64 bytes are fine, 65 are not */
  char name_tpl[80] = "{{";
  memset(name_tpl + 2, 'n', 65);
  memcpy(name_tpl + 67, "}}", 3);
  assert_int_equal(rp_template_check(name_tpl, 69, NULL, NULL, why, sizeof why), RP_EINVALID_VALUE);
  assert_string_equal(why, "the variable name at 0 is longer than 64 characters");
  memcpy(name_tpl + 66, "}}", 3);
  assert_int_equal(rp_template_check(name_tpl, 68, NULL, NULL, why, sizeof why), 0);
  rp_sb_free(&tpl);
  rp_sb_free(&sb);
}

static const char *huge_value(const char *name, size_t len, void *ctx) {
  (void)name;
  (void)len;
  return ctx;
}

/* The output of one render is bounded: 64 KiB, error beyond, out kept. */
static void test_template_output_bound(void **state) {
  (void)state;
  char *value = malloc(RP_TEMPLATE_MAX_OUTPUT / 4 + 1);
  memset(value, 'v', RP_TEMPLATE_MAX_OUTPUT / 4);
  value[RP_TEMPLATE_MAX_OUTPUT / 4] = '\0';
  rp_sb sb = {0};
  rp_sb_puts(&sb, "before");
  const char *four = "{{a}}{{b}}{{c}}{{d}}";
  assert_int_equal(rp_template_render(&sb, four, strlen(four), huge_value, value), 0);
  assert_int_equal(sb.len, 6 + RP_TEMPLATE_MAX_OUTPUT); /* exactly the bound */
  rp_sb_reset(&sb);
  rp_sb_puts(&sb, "before");
  const char *five = "{{a}}{{b}}{{c}}{{d}}!";
  rp_error_clear();
  assert_int_equal(rp_template_render(&sb, five, strlen(five), huge_value, value), RP_ETOOLARGE);
  assert_string_equal(rp_sb_str(&sb), "before");
  assert_int_equal(rp_error_last()->code, RP_ETOOLARGE);
  assert_non_null(strstr(rp_error_last()->message, "65536"));
  /* a bad template is refused as such, even past the bound */
  const char *bad = "{{a}}{{b}}{{c}}{{d}}{{e}} {{";
  assert_int_equal(rp_template_render(&sb, bad, strlen(bad), huge_value, value), RP_EINVALID_VALUE);
  assert_string_equal(rp_error_last()->message,
                      "unclosed '{{' at 26 (no '}}' before the end of its line)");
  assert_string_equal(rp_sb_str(&sb), "before");
  rp_sb_free(&sb);
  free(value);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_template_renders_variables),
      cmocka_unit_test(test_template_single_braces_are_text),
      cmocka_unit_test(test_template_fallback_replaces_missing_or_empty),
      cmocka_unit_test(test_template_values_not_expanded),
      cmocka_unit_test(test_template_render_appends_and_calls_lookup_once_per_variable),
      cmocka_unit_test(test_template_syntax_errors_name_offset_and_reason),
      cmocka_unit_test(test_template_nul_byte_refused),
      cmocka_unit_test(test_template_unknown_variable_refused),
      cmocka_unit_test(test_template_check_uses_callback),
      cmocka_unit_test(test_template_builtin_variables),
      cmocka_unit_test(test_template_bounds),
      cmocka_unit_test(test_template_output_bound),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
