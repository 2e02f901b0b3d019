// Loads the Markdown knowledge base from its folder and splits it into small titled passages.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import { z } from 'zod';
import { FaqError } from './faqErrors';

/** The corpus shipped with the code; a document is added by dropping a `.md` file here. */
export const DEFAULT_CORPUS_DIR = path.resolve(__dirname, '..', 'corpus');

const FrontMatterSchema = z.object({
  title: z.string().min(1),
  source: z.string().min(1),
  date: z.string().min(1),
});

/** A passage: the unit that is indexed, retrieved and cited. */
export interface Passage {
  /** stable id: the file name without `.md`, `#`, the passage's rank in the file (`ctai#2`) */
  readonly id: string;
  readonly title: string;
  /** the heading the passage sits under (the title for text before the first heading) */
  readonly section: string;
  /** plain text, Markdown markup removed */
  readonly text: string;
  readonly source: string;
  readonly date: string;
  /** questions this passage answers, in several registers: indexed, never shown */
  readonly questions?: string;
}

interface Section {
  readonly heading: string;
  readonly body: string;
  readonly questions: string;
}

// Passages stay small so that a citation points at a precise place; sections in our documents are
// shorter than this, so the splitter only cuts the occasional long one.
const splitter = new RecursiveCharacterTextSplitter({ chunkSize: 600, chunkOverlap: 0 });

function parseFrontMatter(file: string, content: string): { meta: z.infer<typeof FrontMatterSchema>; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(content);
  if (!match) throw new FaqError('FAQ_CORPUS_INVALID', `Corpus document ${file} must start with a --- front matter --- block (title, source, date).`);
  const fields: Record<string, string> = {};
  for (const line of (match[1] ?? '').split(/\r?\n/)) {
    const field = /^([A-Za-z_]+)\s*:\s*(.*)$/.exec(line.trim());
    if (field?.[1]) fields[field[1]] = (field[2] ?? '').replace(/^(["'])(.*)\1$/, '$2').trim();
  }
  const parsed = FrontMatterSchema.safeParse(fields);
  if (!parsed.success) {
    const missing = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new FaqError('FAQ_CORPUS_INVALID', `Corpus document ${file}: missing or empty front matter field(s) ${missing}.`, { cause: parsed.error });
  }
  return { meta: parsed.data, body: content.slice(match[0].length) };
}

/** Markdown to the plain text a user reads: no emphasis, links reduced to their label, one line per paragraph. */
function toPlainText(markdown: string): string {
  return markdown
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__|\*|_|`)(.+?)\1/g, '$2')
    .split(/\n\s*\n/)
    .map((paragraph) =>
      paragraph
        .split('\n')
        .map((line) => line.replace(/^\s*(?:[-*+]|\d+\.)\s+/, '').trim())
        .filter((line) => line.length > 0)
        .join(' '),
    )
    .filter((paragraph) => paragraph.length > 0)
    .join('\n\n');
}

function sections(title: string, body: string): Section[] {
  const out: Section[] = [];
  let heading = title;
  let lines: string[] = [];
  let questions: string[] = [];
  const flush = (): void => {
    const text = toPlainText(lines.join('\n'));
    if (text.length > 0) out.push({ heading, body: text, questions: questions.join(' ') });
    lines = [];
    questions = [];
  };
  for (const line of body.split(/\r?\n/)) {
    const match = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    // « ? Qui signe un CTAI ? »: a question the section answers, for retrieval only.
    const question = /^\?\s+(.*)$/.exec(line.trim());
    if (question) {
      questions.push(question[1] ?? '');
    } else if (match) {
      flush();
      heading = toPlainText(match[1] ?? '') || title;
    } else {
      lines.push(line);
    }
  }
  flush();
  return out;
}

async function passagesOf(file: string, content: string): Promise<Passage[]> {
  const { meta, body } = parseFrontMatter(file, content);
  const docId = path.basename(file, '.md');
  const out: Passage[] = [];
  for (const section of sections(meta.title, body)) {
    for (const chunk of await splitter.splitText(section.body)) {
      out.push({ id: `${docId}#${out.length + 1}`, title: meta.title, section: section.heading, text: chunk, source: meta.source, date: meta.date, ...(section.questions ? { questions: section.questions } : {}) });
    }
  }
  return out;
}

/** The folder's README tells authors how to write a document; it is not one. */
const isDocument = (name: string): boolean => name.endsWith('.md') && name.toLowerCase() !== 'readme.md';

/** Every passage of every `.md` file of the folder, files in name order so ids and ranks are stable. */
export async function loadPassages(corpusDir: string = DEFAULT_CORPUS_DIR): Promise<Passage[]> {
  const files = (await readdir(corpusDir)).filter(isDocument).sort();
  const passages: Passage[] = [];
  for (const file of files) passages.push(...(await passagesOf(file, await readFile(path.join(corpusDir, file), 'utf8'))));
  if (passages.length === 0) throw new FaqError('FAQ_CORPUS_EMPTY', `No Markdown document in ${corpusDir}.`);
  return passages;
}
