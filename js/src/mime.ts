import { IRenderMime } from '@jupyterlab/rendermime-interfaces';

const extension: IRenderMime.IExtension[] = [];
export default extension;
