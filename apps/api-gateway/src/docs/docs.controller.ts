import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { buildOpenApi } from './openapi.js';

const swaggerUiDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png']);

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Muse Studio API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', deepLinking: true });</script>
</body></html>`;

/** The OpenAPI document and a Swagger UI page served from the installed package (works offline). */
@Controller()
export class DocsController {
  private readonly document = buildOpenApi();

  @Get('openapi.json')
  openapi() {
    return this.document;
  }

  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  page() {
    return PAGE;
  }

  @Get('docs/assets/:file')
  asset(@Param('file') file: string, @Res() res: Response) {
    if (!ASSETS.has(file)) throw new NotFoundException('no such asset');
    res.sendFile(`${swaggerUiDir}/${file}`);
  }
}
