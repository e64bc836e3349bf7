/** `buypath presets`: the built-in presets, and how to write your own. */
import { PRESETS } from '../data/presets';
import { PRESET_FIELDS } from '../data/preset-file';
import { parse, type Command } from './args';

/** `buypath presets`: lists the built-in presets (`--json`: as JSON) and the fields of a preset file. */
export const presetsCommand: Command = {
  name: 'presets',
  summary: 'list the built-in log presets (and the fields of a preset file)',
  usage: `Usage: buypath presets [--json]

Lists the built-in presets that --preset accepts, with what each reads. Your own log: run
\`buypath inspect FILE --suggest > my-log.json\`, check it, then pass --preset my-log.json.
A preset file is JSON with the fields ${Object.keys(PRESET_FIELDS).join(', ')}.
  --json   print the presets as JSON`,
  async run(argv) {
    const { values } = parse('presets', argv, { json: { type: 'boolean' } });
    if (values.help) return console.log(this.usage), 0;
    if (values.json) return console.log(JSON.stringify(PRESETS, null, 2)), 0;
    const w = Math.max(...Object.keys(PRESETS).map((k) => k.length));
    for (const p of Object.values(PRESETS)) console.log(`${p.name.padEnd(w)}  ${p.description}`);
    console.log(`\nYour own log: buypath inspect FILE --suggest > my-log.json, then --preset my-log.json (fields: ${Object.keys(PRESET_FIELDS).join(', ')}).`);
    return 0;
  },
};
