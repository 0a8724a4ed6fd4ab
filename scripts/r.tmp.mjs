import { parseAllDocuments, LineCounter, isMap, isSeq, isScalar } from 'yaml';
const text = process.argv[2].replace(/\\n/g, '\n');
const docs = parseAllDocuments(text, { merge: false, uniqueKeys: true, prettyErrors: false });
function show(n, ind) { if (!n) return console.log(ind + 'null'); console.log(ind + (isMap(n)?'MAP':isSeq(n)?'SEQ':'SCALAR ' + JSON.stringify(n.value)) + ' ' + JSON.stringify(n.range) + ' ' + JSON.stringify(text.slice(n.range[0], n.range[1])));
  if (isMap(n)) for (const p of n.items) { console.log(ind+' key'); show(p.key, ind + '  '); console.log(ind+' val'); show(p.value, ind + '  '); }
  if (isSeq(n)) for (const p of n.items) show(p, ind + '  '); }
for (const d of docs) { console.log('DOC', d.range); show(d.contents, ''); }
