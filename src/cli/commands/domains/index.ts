import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { withExamples } from '../../help.js';

// Registration only: each verb's run code is imported when it runs, to keep start-up quick.

function registerDomainsCheck(noun: Command, ctx: CliContext): Command {
  const cmd = noun
    .command('check')
    .description('show the eligibility, reason code and agency of addresses; exit 0 if all are eligible, 3 otherwise')
    .argument('[email...]', 'addresses to check, or - to read one per line from stdin')
    .action(async (emails: string[]) => {
      const { parseDomainsCheck, runDomainsCheck } = await import('./check.js');
      await runDomainsCheck(parseDomainsCheck(emails), ctx);
    });
  return withExamples(cmd, 'aicop domains check jane@mail.nih.gov john.doe.ctr@army.mil', 'cut -d, -f3 roster.csv | aicop domains check - --format csv > checked.csv');
}

function registerDomainRules(noun: Command, ctx: CliContext): void {
  withExamples(
    noun
      .command('allow')
      .description('admit a domain suffix (and its subdomains), or one exact address, besides .gov/.mil; --reason is required')
      .argument('<suffix-or-address>', 'a domain such as state.tx.us, or one address')
      .option('--reason <text>', 'why (required; recorded with who and when)')
      .option('--force', 'allow a public mail provider (gmail.com, outlook.com, …) as a suffix: everyone there becomes eligible', false)
      .action(async (target: string, o: { reason?: string; force: boolean }) => {
        const { parseAllow, runAddRule } = await import('./rules.js');
        runAddRule(parseAllow(target, o.reason, o.force), ctx);
      }),
    'aicop domains allow state.tx.us --reason "Texas state agencies"',
    'aicop domains allow clerk@smallcounty.org --reason "county clerk, no .gov mailbox"',
  );
  withExamples(
    noun
      .command('deny')
      .description('refuse a domain suffix (and its subdomains), even a .gov or .mil one')
      .argument('<suffix>', 'a domain such as example.gov')
      .option('--reason <text>', 'why (recorded with who and when)')
      .action(async (target: string, o: { reason?: string }) => {
        const { parseDeny, runAddRule } = await import('./rules.js');
        runAddRule(parseDeny(target, o.reason), ctx);
      }),
    'aicop domains deny test.example.gov --reason "test accounts"',
  );
  withExamples(
    noun
      .command('list')
      .description('list the allow and deny rules with reason, who and when')
      .action(async () => {
        const { runListRules } = await import('./rules.js');
        runListRules(ctx);
      }),
    'aicop domains list',
    'aicop domains list --format csv > rules.csv',
  );
  withExamples(
    noun
      .command('remove')
      .description('remove the allow and deny rules on a suffix or address')
      .argument('<target>', 'the suffix or address as shown by domains list')
      .action(async (target: string) => {
        const { parseRuleTarget, runRemoveRule } = await import('./rules.js');
        runRemoveRule(parseRuleTarget(target), ctx);
      }),
    'aicop domains remove state.tx.us',
  );
}

export function registerDomains(program: Command, ctx: CliContext): Command {
  const noun = program.command('domains').description('email eligibility: check addresses, allow and deny lists');
  registerDomainsCheck(noun, ctx);
  registerDomainRules(noun, ctx);
  return noun;
}
