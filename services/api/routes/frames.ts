import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AUDIENCE_DEFINITIONS, FRAMES, TAXONOMY_VERSION } from '../../../config/taxonomy.ts';
import { errorResponses, V1_ERRORS } from '../schemas.ts';

const Definition = Type.Object({ id: Type.String(), label: Type.String(), description: Type.String() });

export const frameRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/frames', {
    schema: {
      tags: ['taxonomy'],
      summary: 'The narrative frames and audiences (taxonomy)',
      security: [{ apiKey: [] }],
      response: {
        200: Type.Object({ version: Type.String(), frames: Type.Array(Definition), audiences: Type.Array(Definition) }),
        ...errorResponses(...V1_ERRORS),
      },
    },
  }, async () => ({ version: TAXONOMY_VERSION, frames: [...FRAMES], audiences: [...AUDIENCE_DEFINITIONS] }));
};
