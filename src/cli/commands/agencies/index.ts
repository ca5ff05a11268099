import { Option, type Command } from 'commander';
import type { CliContext } from '../../context.js';
import { withExamples } from '../../help.js';
import { AGENCY_LEVELS, type AgencyLevel } from '../../../core/agency-match.js';

// Registration only: each verb's run code is imported when it runs, to keep start-up quick.

function registerAgenciesList(noun: Command, ctx: CliContext): void {
  withExamples(
    noun
      .command('list')
      .description('list directory agencies with their domain and active-member counts')
      .addOption(new Option('--level <level>', 'only this level').choices(AGENCY_LEVELS))
      .option('--search <text>', 'only agencies whose name, organization or a domain contains this text')
      .action(async (o: { level?: AgencyLevel; search?: string }) => {
        const { runAgenciesList } = await import('./list.js');
        runAgenciesList({ ...(o.level ? { level: o.level } : {}), ...(o.search ? { search: o.search } : {}) }, ctx);
      }),
    'aicop agencies list --level federal',
    'aicop agencies list --search health --format json',
  );
  withExamples(
    noun
      .command('unmapped')
      .description('list member domains no directory entry covers, with member counts (most first)')
      .action(async () => {
        const { runAgenciesUnmapped } = await import('./list.js');
        runAgenciesUnmapped(ctx);
      }),
    'aicop agencies unmapped',
  );
}

function registerAgenciesAdd(noun: Command, ctx: CliContext): void {
  withExamples(
    noun
      .command('add')
      .description('add a domain to the directory (its subdomains follow), then re-resolve members')
      .requiredOption('--domain <domain>', 'the domain, e.g. nih.gov')
      .requiredOption('--name <name>', 'the agency name')
      .option('--organization <org>', 'the parent organization')
      .addOption(new Option('--level <level>', 'the level').choices(AGENCY_LEVELS).makeOptionMandatory())
      .action(async (o: { domain: string; name: string; organization?: string; level: AgencyLevel }) => {
        const { parseAgenciesAdd, runAgenciesAdd } = await import('./add.js');
        runAgenciesAdd(parseAgenciesAdd(o), ctx);
      }),
    'aicop agencies add --domain dshs.texas.gov --name "Department of State Health Services" --organization "State of Texas" --level state',
  );
}

function registerImportDotgov(noun: Command, ctx: CliContext): void {
  withExamples(
    noun
      .command('import-dotgov')
      .description("load CISA's .gov registry CSV (current-full.csv) into the agency directory")
      .argument('<file>', 'the registry CSV')
      .action(async (file: string) => {
        const { runImportDotgov } = await import('./import-dotgov.js');
        runImportDotgov({ file }, ctx);
      }),
    'curl -sO https://raw.githubusercontent.com/cisagov/dotgov-data/main/current-full.csv && aicop agencies import-dotgov current-full.csv',
  );
}

export function registerAgencies(program: Command, ctx: CliContext): Command {
  const noun = program.command('agencies').description('the agency directory');
  registerAgenciesList(noun, ctx);
  registerAgenciesAdd(noun, ctx);
  registerImportDotgov(noun, ctx);
  return noun;
}
