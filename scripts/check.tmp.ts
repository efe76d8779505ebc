import { extract } from '../src/extract.js';
import { layoutFigure } from '../src/figure/layout.js';
import { sceneProblems } from '../src/figure/check.js';
for (const f of process.argv.slice(2)) {
  const { arch } = await extract(f);
  console.log(f, sceneProblems(layoutFigure(arch)));
}
